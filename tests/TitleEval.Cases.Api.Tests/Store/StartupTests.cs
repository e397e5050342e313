using FluentAssertions;
using Microsoft.Extensions.Options;
using Serilog.Events;
using TitleEval.Cases.Api.Tests.Support;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.Api.Tests.Store;

public sealed class StartupTests
{
    [Fact]
    public async Task Given_message_db_without_a_connection_string_When_the_app_starts_Then_it_stops_naming_the_missing_setting()
    {
        await using var factory = new SettingsFactory();
        factory.Extra["EventStore:Engine"] = "MessageDb";
        factory.Extra["EventStore:PostgresConnectionString"] = "";
        factory.Extra["Audit:CheckpointSigningKey"] = TestKeys.AuditSigningKey;

        var start = () => factory.CreateClient();

        start.Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain("EventStore:PostgresConnectionString is required when EventStore:Engine is MessageDb");
    }

    [Fact]
    public async Task Given_a_sqlite_path_that_cannot_be_created_When_the_app_starts_Then_it_stops_with_a_critical_log()
    {
        await using var factory = new SettingsFactory();
        var blocker = Path.Combine(factory.TempDirectory, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the store's folder should be");
        factory.Extra["EventStore:SqlitePath"] = Path.Combine(blocker, "titleeval.db");

        var start = () => factory.CreateClient();

        start.Should().Throw<Exception>();
        var critical = factory.Logs.Events.SingleOrDefault(e => e.EventId() == 1004);
        critical.Should().NotBeNull("a broken store is logged before the service stops");
        critical!.Level.Should().Be(LogEventLevel.Fatal);
        critical.RenderMessage(null).Should().Contain("could not be initialized");
    }

    private sealed class SettingsFactory : ApiFactory
    {
        /// <summary>Settings over the defaults; set them before the first client is created.</summary>
        public Dictionary<string, string?> Extra { get; } = [];

        protected override IReadOnlyDictionary<string, string?> Settings =>
            new Dictionary<string, string?>(base.Settings.Concat(Extra).GroupBy(p => p.Key).Select(g => g.Last()));
    }
}
