using System.Net;
using System.Text;
using FluentAssertions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Identity;
using TitleEval.Cases.Api.Tests.Docs;
using TitleEval.Cases.Api.Tests.Support;

namespace TitleEval.Cases.Api.Tests.Identity;

/// <summary>
/// Function-level authorization, table-driven from <see cref="AccessMatrix"/>: every endpoint the app maps × every role is
/// either let through (anything but 401/403) or refused with 403. An endpoint without a row fails here.
/// </summary>
public sealed class AccessMatrixTests : IAsyncLifetime
{
    private readonly ApiFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    /// <summary>Endpoints that need no token: liveness and readiness probes.</summary>
    private static bool IsAnonymous(RouteEndpoint endpoint) => endpoint.RoutePattern.RawText!.StartsWith("/health/", StringComparison.Ordinal);

    private IReadOnlyList<(string Method, string Route, RouteEndpoint Endpoint)> Endpoints()
    {
        factory.CreateClient().Dispose();
        return factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, AccessMatrix.Normalise(e.RoutePattern.RawText!), e)))
            .ToArray();
    }

    [Fact]
    public void Every_endpoint_but_the_health_probes_needs_a_token_and_has_a_row_in_the_matrix()
    {
        var endpoints = Endpoints();

        endpoints.Should().HaveCountGreaterThan(30);
        var unprotected = endpoints.Where(e => !IsAnonymous(e.Endpoint) && !e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == IdentityRegistration.MatrixPolicy));
        unprotected.Select(e => $"{e.Method} {e.Route}").Should().BeEmpty("every endpoint is mapped inside MapProtected()");
        var withoutRow = endpoints.Where(e => !IsAnonymous(e.Endpoint) && AccessMatrix.Find(e.Method, e.Route) is null);
        withoutRow.Select(e => $"{e.Method} {e.Route}").Should().BeEmpty("a new endpoint needs a row in AccessMatrix (refused to everyone until it has one)");
        var stale = AccessMatrix.Rules.Where(r => !endpoints.Any(e => e.Method == r.Method && e.Route == r.Route));
        stale.Select(r => $"{r.Method} {r.Route}").Should().BeEmpty("every row names an endpoint that exists");
    }

    [Fact]
    public async Task Each_role_is_let_through_exactly_where_the_matrix_says_and_refused_403_elsewhere()
    {
        var failures = new List<string>();
        foreach (var (method, route, endpoint) in Endpoints().Where(e => !IsAnonymous(e.Endpoint)))
        {
            var rule = AccessMatrix.Find(method, route)!;
            var path = Concrete(route);
            foreach (var role in Roles.All)
            {
                using var client = factory.ClientAs(role);
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request);
                var allowed = rule.Roles.Contains(role);
                if (allowed && response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{role} refused ({(int)response.StatusCode}) on {method} {route}, which the matrix allows");
                }
                else if (!allowed && response.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{role} got {(int)response.StatusCode}, not 403, on {method} {route}, which the matrix refuses");
                }
                else if (!allowed)
                {
                    await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "/problems/forbidden");
                }
            }
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public void The_roles_page_shows_the_matrix_as_the_code_has_it()
    {
        var path = Path.Combine(ProblemPagesTests.RepositoryRoot(), "api-docs", "roles.md");
        var page = File.ReadAllText(path);
        var start = page.IndexOf(AccessMatrixDocument.Start, StringComparison.Ordinal);
        var end = page.IndexOf(AccessMatrixDocument.End, StringComparison.Ordinal);
        start.Should().BeGreaterThan(-1);
        end.Should().BeGreaterThan(start);
        var current = page[(start + AccessMatrixDocument.Start.Length)..end].Trim('\n');
        var expected = AccessMatrixDocument.Render().Trim('\n');
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1" && current != expected)
        {
            File.WriteAllText(path, page[..(start + AccessMatrixDocument.Start.Length)] + "\n" + expected + "\n" + page[end..]);
            return;
        }

        current.Should().Be(expected, "api-docs/roles.md must show AccessMatrix.cs (UPDATE_DOCS=1 rewrites it)");
    }

    [Fact]
    public void Every_role_has_a_page_listing_exactly_its_rows()
    {
        foreach (var role in Roles.All)
        {
            var path = Path.Combine(ProblemPagesTests.RepositoryRoot(), "api-docs", "roles", $"{role}.md");
            File.Exists(path).Should().BeTrue($"api-docs/roles/{role}.md documents the role");
            var page = File.ReadAllText(path);
            var start = page.IndexOf(AccessMatrixDocument.Start, StringComparison.Ordinal);
            var end = page.IndexOf(AccessMatrixDocument.End, StringComparison.Ordinal);
            var expected = AccessMatrixDocument.RenderFor(role).Trim('\n');
            if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1" && (start < 0 || page[(start + AccessMatrixDocument.Start.Length)..end].Trim('\n') != expected))
            {
                File.WriteAllText(path, start < 0
                    ? page.TrimEnd('\n') + "\n\n## Endpoints\n\n" + AccessMatrixDocument.Start + "\n" + expected + "\n" + AccessMatrixDocument.End + "\n"
                    : page[..(start + AccessMatrixDocument.Start.Length)] + "\n" + expected + "\n" + page[end..]);
                continue;
            }

            start.Should().BeGreaterThan(-1, $"api-docs/roles/{role}.md lists its endpoints between the generated markers");
            page[(start + AccessMatrixDocument.Start.Length)..end].Trim('\n').Should().Be(expected, $"api-docs/roles/{role}.md must list the matrix's rows for {role}");
        }
    }

    /// <summary>A path that reaches the endpoint: unknown ids and names, so allowed calls answer 400/404 and change nothing.</summary>
    private static string Concrete(string route) => route
        .Replace("{id:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{objectionId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{stage}", "Employer", StringComparison.Ordinal)
        .Replace("{name}", "no-such-projection", StringComparison.Ordinal)
        .Replace("{number}", "NO-SUCH-CERTIFICATE", StringComparison.Ordinal)
        .Replace("{treeSize:long}", "999999999", StringComparison.Ordinal)
        .Replace("{leafIndex:long}", "999999999", StringComparison.Ordinal);
}
