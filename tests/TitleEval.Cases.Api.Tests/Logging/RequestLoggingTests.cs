using System.Net;
using System.Text.Json;
using FluentAssertions;
using Serilog.Events;
using TitleEval.Cases.Api.Tests.Support;

namespace TitleEval.Cases.Api.Tests.Logging;

public sealed class RequestLoggingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const int RequestLogEventId = 2000;

    [Fact]
    public async Task Given_a_request_When_it_completes_Then_one_line_logs_method_path_status_elapsed_and_trace_id()
    {
        var path = $"/unknown-{Guid.NewGuid():N}";

        var response = await factory.CreateClient().GetAsync($"{path}?resident=150102199001011234");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var line = await factory.Logs.WaitForAsync(e => e.EventId() == RequestLogEventId && Equals(e.Scalar("Path"), path));
        line.Should().NotBeNull();
        line!.Level.Should().Be(LogEventLevel.Information);
        line.Scalar("Method").Should().Be("GET");
        line.Scalar("StatusCode").Should().Be(404);
        line.Scalar("ElapsedMs").Should().BeOfType<double>().Which.Should().BeGreaterThanOrEqualTo(0);
        line.Scalar("TraceId").Should().Be(problem.GetProperty("traceId").GetString(), "the log line and the problem share one trace id");
        factory.Logs.Events.Count(e => e.EventId() == RequestLogEventId && Equals(e.Scalar("Path"), path)).Should().Be(1);
    }

    [Fact]
    public async Task Given_a_query_string_with_personal_data_When_the_request_is_logged_Then_the_log_does_not_contain_it()
    {
        const string ResidentId = "150102199001011234";

        await factory.CreateClient().GetAsync($"/health/live?resident={ResidentId}");

        var line = await factory.Logs.WaitForAsync(e => e.EventId() == RequestLogEventId && Equals(e.Scalar("Path"), "/health/live"));
        line.Should().NotBeNull();
        factory.Logs.Events.Should().NotContain(e => e.RenderMessage(null).Contains(ResidentId)
            || e.Properties.Values.Any(p => p.ToString().Contains(ResidentId)));
    }

    [Fact]
    public async Task Given_a_request_that_fails_with_500_When_it_is_logged_Then_the_line_is_at_error_level()
    {
        await factory.CreateClient().GetAsync(ThrowingRoutes.Unhandled);

        var line = await factory.Logs.WaitForAsync(e => e.EventId() == RequestLogEventId && Equals(e.Scalar("Path"), ThrowingRoutes.Unhandled));
        line.Should().NotBeNull();
        line!.Level.Should().Be(LogEventLevel.Error);
        line.Scalar("StatusCode").Should().Be(500);
    }
}
