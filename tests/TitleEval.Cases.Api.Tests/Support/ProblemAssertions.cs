using System.Net;
using System.Text.Json;
using FluentAssertions;

namespace TitleEval.Cases.Api.Tests.Support;

public static class ProblemAssertions
{
    /// <summary>Asserts an RFC 9457 answer with every member this API promises and returns its parsed body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");

        var problem = JsonDocument.Parse(body).RootElement.Clone();
        problem.GetProperty("type").GetString().Should().Be(type);
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("title").GetString().Should().NotBeNullOrWhiteSpace();
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        problem.GetProperty("instance").GetString().Should().StartWith("/");
        problem.GetProperty("traceId").GetString().Should().MatchRegex("^[0-9a-f]{32}$");
        return problem;
    }
}
