using Npgsql;

using TitleEval.Cases.Testing;

namespace TitleEval.Cases.EventStore.Tests.Engines;

/// <summary>A fresh, empty store of one engine, and what a test needs to reach its database directly.</summary>
public sealed class StoreUnderTest : IAsyncDisposable
{
    private readonly Func<Task> cleanup;

    private StoreUnderTest(IEventStore store, EventStoreOptions options, Func<Task> cleanup)
    {
        Store = store;
        Options = options;
        this.cleanup = cleanup;
    }

    public IEventStore Store { get; }

    public EventStoreOptions Options { get; }

    /// <summary>What a child process passes to <see cref="EventStoreFactory"/> to open the same store.</summary>
    public string EngineArgument => Options.Engine == EventStoreEngine.Sqlite ? Options.SqlitePath : Options.PostgresConnectionString!;

    public static async Task<StoreUnderTest> SqliteAsync(int maxEventSizeBytes = 64 * 1024)
    {
        var folder = Path.Combine(Path.GetTempPath(), "titleeval-tests", Guid.NewGuid().ToString("N"));
        var options = new EventStoreOptions { Engine = EventStoreEngine.Sqlite, SqlitePath = Path.Combine(folder, "events.db"), MaxEventSizeBytes = maxEventSizeBytes };
        var store = EventStoreFactory.Create(options, TimeProvider.System);
        await store.InitializeAsync();
        return new StoreUnderTest(store, options, () =>
        {
            SqliteCleanup();
            Directory.Delete(folder, recursive: true);
            return Task.CompletedTask;
        });
    }

    public static async Task<StoreUnderTest> MessageDbAsync(int maxEventSizeBytes = 64 * 1024)
    {
        var cs = await PostgresServer.CreateDatabaseAsync();
        var options = new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = cs, MaxEventSizeBytes = maxEventSizeBytes };
        var store = EventStoreFactory.Create(options, TimeProvider.System);
        await store.InitializeAsync();
        return new StoreUnderTest(store, options, () => PostgresServer.DropDatabaseAsync(cs));
    }

    /// <summary>Counts rows straight from the database, bypassing the port, so a test sees what really was written.</summary>
    public async Task<long> CountStoredEventsAsync()
    {
        if (Options.Engine == EventStoreEngine.Sqlite)
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Options.SqlitePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM events";
            return (long)(await command.ExecuteScalarAsync())!;
        }

        await using var pg = new NpgsqlConnection(Options.PostgresConnectionString);
        await pg.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM message_store.messages", pg);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await cleanup();
    }

    private static void SqliteCleanup() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}
