using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using FluentAssertions;
using TitleEval.Cases.Api.Tests.Support;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.Api.Tests.Health;

public sealed class HealthTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Given_a_running_app_When_live_is_requested_Then_it_answers_200_live()
    {
        var response = await factory.CreateClient().GetAsync("/health/live");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().Should().Be("live");
    }

    [Fact]
    public async Task Given_the_sqlite_store_When_ready_is_requested_Then_it_answers_200_with_engine_and_head_position()
    {
        var response = await factory.CreateClient().GetAsync("/health/ready");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().Should().Be("ready");
        body.GetProperty("engine").GetString().Should().Be("sqlite");
        body.GetProperty("headPosition").GetInt64().Should().Be(0);
        File.Exists(factory.SqlitePath).Should().BeTrue("the store lives in the factory's temporary folder, not in ./data");
    }
}

/// <summary>
/// Real behaviour, no fake store: Message DB on a closed port of 127.0.0.1 (connect timeout 1 s). The initializer logs the
/// unreachable store and lets the host start; liveness answers 200 and readiness 503 until the store can be initialized.
/// </summary>
public sealed class UnreachableStoreTests : IAsyncLifetime
{
    private readonly UnreachableMessageDbFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Given_message_db_on_a_closed_port_When_ready_is_requested_Then_the_app_runs_and_answers_503_unavailable()
    {
        var client = factory.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        live.StatusCode.Should().Be(HttpStatusCode.OK);
        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        ready.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().Should().Be("unavailable");
        body.GetProperty("engine").GetString().Should().Be("messagedb");
        body.TryGetProperty("headPosition", out _).Should().BeFalse("the head position is reported only when ready");

        var startupLog = await factory.Logs.WaitForAsync(e => e.EventId() == 1001);
        startupLog.Should().NotBeNull("the initializer logs that the store is unreachable at startup");
    }

    private sealed class UnreachableMessageDbFactory : ApiFactory
    {
        private readonly int closedPort = ClosedPort();

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["EventStore:Engine"] = "MessageDb",
            ["Audit:CheckpointSigningKey"] = TestKeys.AuditSigningKey,
            ["EventStore:PostgresConnectionString"] =
                $"Host=127.0.0.1;Port={closedPort};Database=message_store;Username=message_store;Timeout=1;Pooling=false",
        };

        private static int ClosedPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
