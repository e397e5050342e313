using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Rosters;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.Api.Tests.ReadModels;

/// <summary>
/// <c>projections prune</c> drops the read-model tables nothing serves: those of retired projections and generations
/// older than the active one. It must never touch an active or building generation, nor a table it did not create.
/// </summary>
public abstract class PruneTests
{
    /// <summary>
    /// The service's own projection loop polls once an hour here, so after the last append it sleeps: a rebuild this
    /// test starts stays "building" until the test catches it up itself.
    /// </summary>
    protected static readonly IReadOnlyDictionary<string, string?> QuietLoop = new Dictionary<string, string?> { ["Projections:PollInterval"] = "01:00:00" };

    protected abstract Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync();

    /// <summary>A new store in which no projection has run: not even <c>projection_generations</c> exists yet.</summary>
    protected abstract Task<(IEventStore Store, Func<Task> Cleanup)> CreateStoreAsync();

    [EngineFact]
    public async Task Prune_in_a_store_no_projection_has_run_in_finds_nothing()
    {
        // Given a new store, as the command meets it before the service has ever run
        var (store, cleanup) = await CreateStoreAsync();
        try
        {
            await store.InitializeAsync();

            // When it is pruned, Then nothing is dropped and nothing fails
            (await new ProjectionGenerations(store).PruneAsync([new RosterProjection(), new CaseHistoryProjection()], CancellationToken.None)).Should().BeEmpty();
        }
        finally
        {
            await cleanup();
        }
    }

    [EngineFact]
    public async Task Prune_drops_retired_projections_and_generations_older_than_the_active_one_and_nothing_else()
    {
        var (factory, cleanup) = await CreateAsync();
        try
        {
            // Given a filed case, applied by every projection (generation 1)
            var employer = factory.CaseClient("employer");
            await ReadModelCases.SubmitAsync(employer, 1, "王小二", "呼和浩特市第一中学", "City");
            var host = factory.Services.GetRequiredService<ProjectionHost>();
            var generations = factory.Services.GetRequiredService<ProjectionGenerations>();
            var store = factory.Services.GetRequiredService<IEventStore>();
            await host.CatchUpAsync(CancellationToken.None);

            // And the roster rebuilt twice (active 3; the switch has dropped 1 and keeps 2 for queries begun before it)
            var roster = host.Find("roster")!;
            for (var rebuild = 0; rebuild < 2; rebuild++)
            {
                await generations.StartRebuildAsync(roster, CancellationToken.None);
                while ((await generations.ReadAsync(roster.Name, CancellationToken.None))!.Building is not null)
                {
                    await host.CatchUpAsync(CancellationToken.None);
                }
            }

            // And the certificates' rebuild started but not yet caught up (building 2)
            var certificates = host.Find("certificates")!;
            await generations.StartRebuildAsync(certificates, CancellationToken.None);
            (await generations.ReadAsync("certificates", CancellationToken.None))!.Should().Be(new ProjectionGeneration("certificates", 1, 2));

            // And what a version with the v1 case history and audit tree left: their tables, generation rows and a checkpoint
            var retiredCheckpoint = ProjectionGeneration.Subscription("case-history", 1);
            await store.ApplyNextBatchAsync([retiredCheckpoint], 100, (_, _, _, _) => Task.CompletedTask);
            (await store.ReadCheckpointAsync(retiredCheckpoint)).Should().BeGreaterThan(0);
            await ExecuteAsync(store, $"CREATE TABLE {store.Table("case_history_g1")} (id INTEGER)");
            await ExecuteAsync(store, $"CREATE TABLE {store.Table("audit_tree_g2")} (id INTEGER)");
            await ExecuteAsync(store, $"INSERT INTO {store.Table("projection_generations")} (name, active, building) VALUES ('case-history', 1, NULL)");

            // And tables the service did not create under names like those
            await ExecuteAsync(store, $"CREATE TABLE {store.Table("case_history_g1_notes")} (id INTEGER)");
            await ExecuteAsync(store, $"CREATE TABLE {store.Table("notes_g1")} (id INTEGER)");

            // When the read models are pruned
            var dropped = await generations.PruneAsync(host.Projections, CancellationToken.None);

            // Then the retired tables and the roster's generation 2 are gone, with the retired name's row and checkpoint
            dropped.Should().BeEquivalentTo([store.Table("case_history_g1"), store.Table("audit_tree_g2"), store.Table("roster_g2")]);
            var tables = await TablesAsync(store);
            tables.Should().NotContain(["case_history_g1", "audit_tree_g2", "roster_g2"]);
            (await store.ReadCheckpointAsync(retiredCheckpoint)).Should().Be(0);
            (await generations.ReadAsync("case-history", CancellationToken.None)).Should().BeNull();

            // And the active and building generations stay, as do the tables the service did not create
            tables.Should().Contain(["roster_g3", "certificates_g1", "certificates_g2", "case_history_v2_g1", "audit_tree_v2_g1", "case_history_g1_notes", "notes_g1"]);
            (await generations.ReadAsync("certificates", CancellationToken.None))!.Building.Should().Be(2);

            // And the roster's queries still read its active generation
            (await host.ActiveTablesAsync(roster, CancellationToken.None)).Generation.Should().Be(3);

            // And a second prune finds nothing
            (await generations.PruneAsync(host.Projections, CancellationToken.None)).Should().BeEmpty();
        }
        finally
        {
            await factory.DisposeAsync();
            await cleanup();
        }
    }

    private static async Task ExecuteAsync(IEventStore store, string sql)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<IReadOnlyList<string>> TablesAsync(IEventStore store)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = store.Engine == "messagedb"
            ? "SELECT tablename FROM pg_tables WHERE schemaname = 'titleeval'"
            : "SELECT name FROM sqlite_master WHERE type = 'table'";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}

public sealed class SqlitePruneTests : PruneTests
{
    protected override Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync() =>
        Task.FromResult<(CasesFactory, Func<Task>)>((new CasesFactory { MoreSettings = QuietLoop }, () => Task.CompletedTask));

    protected override Task<(IEventStore Store, Func<Task> Cleanup)> CreateStoreAsync()
    {
        var folder = Directory.CreateTempSubdirectory("titleeval-prune-");
        var store = EventStoreFactory.Create(new EventStoreOptions { SqlitePath = Path.Combine(folder.FullName, "titleeval.db") }, TimeProvider.System);
        return Task.FromResult<(IEventStore, Func<Task>)>((store, () =>
        {
            (store as IDisposable)?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
            return Task.CompletedTask;
        }));
    }
}

[RequiresPostgres]
public sealed class PostgresPruneTests : PruneTests
{
    protected override async Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        return (new CasesFactory(database) { MoreSettings = QuietLoop }, () => PostgresServer.DropDatabaseAsync(database));
    }

    protected override async Task<(IEventStore Store, Func<Task> Cleanup)> CreateStoreAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var store = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = database }, TimeProvider.System);
        return (store, async () =>
        {
            (store as IDisposable)?.Dispose();
            await PostgresServer.DropDatabaseAsync(database);
        });
    }
}
