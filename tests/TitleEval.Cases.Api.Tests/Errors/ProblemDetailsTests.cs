using System.Net;
using FluentAssertions;
using TitleEval.Cases.Api.Tests.Support;

namespace TitleEval.Cases.Api.Tests.Errors;

public sealed class ProblemDetailsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Given_no_such_route_When_it_is_requested_Then_it_answers_404_problem()
    {
        var response = await factory.CreateClient().GetAsync("/nope?resident=150102199001011234");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "/problems/not-found");
        problem.GetProperty("instance").GetString().Should().Be("/nope", "the instance is the path, never the query string");
    }

    [Fact]
    public async Task Given_a_get_only_route_When_it_is_posted_to_Then_it_answers_405_problem_with_allow()
    {
        var response = await factory.CreateClient().PostAsync("/health/live", content: null);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "/problems/method-not-allowed");
        problem.GetProperty("instance").GetString().Should().Be("/health/live");
        response.Content.Headers.Allow.Should().Contain("GET");
    }

    [Fact]
    public async Task Given_an_endpoint_that_throws_When_it_is_requested_Then_it_answers_500_problem_without_the_exception()
    {
        var response = await factory.CreateClient().GetAsync(ThrowingRoutes.Unhandled);

        await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "/problems/internal-error");
        var body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain("secret-internal-detail")
            .And.NotContain("hunter2")
            .And.NotContain(nameof(InvalidOperationException))
            .And.NotContain("ThrowingRoutes", "no stack trace leaks");
    }

    [Theory]
    [InlineData("wrong-expected-version", HttpStatusCode.Conflict, "/problems/concurrency-conflict")]
    [InlineData("invalid-stream-name", HttpStatusCode.BadRequest, "/problems/invalid-event")]
    [InlineData("invalid-append", HttpStatusCode.BadRequest, "/problems/invalid-event")]
    [InlineData("event-too-large", HttpStatusCode.RequestEntityTooLarge, "/problems/event-too-large")]
    [InlineData("event-id-conflict", HttpStatusCode.Conflict, "/problems/event-id-conflict")]
    [InlineData("idempotency-key-taken", HttpStatusCode.Conflict, "/problems/idempotency-key-taken")]
    [InlineData("unavailable", HttpStatusCode.ServiceUnavailable, "/problems/store-unavailable")]
    public async Task Given_an_event_store_error_When_it_escapes_an_endpoint_Then_it_answers_its_mapped_problem(
        string kind, HttpStatusCode status, string type)
    {
        var response = await factory.CreateClient().GetAsync($"{ThrowingRoutes.StorePrefix}/{kind}");

        await response.ShouldBeProblemAsync(status, type);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("hunter2");
    }
}
