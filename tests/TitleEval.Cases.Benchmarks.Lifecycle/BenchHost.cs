using Microsoft.AspNetCore.Mvc.Testing;
using TitleEval.Cases.Testing;

/// <summary>
/// The API on Kestrel at 127.0.0.1, in this process, on a fresh store of one engine (a temporary SQLite file or a new
/// PostgreSQL database), with the benchmark's clock; disposing it stops the server and deletes the store.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly string? database;
    private readonly string folder;

    private BenchHost(KestrelFactory factory, string? database, string folder)
    {
        Factory = factory;
        this.database = database;
        this.folder = folder;
        Http = factory.CreateClient();
        Http.BaseAddress = new Uri(factory.ClientOptions.BaseAddress.ToString());
        // Requests without their own token read as an inspector (every GET, no per-case scope read).
        Http.DefaultRequestHeaders.Authorization = BenchTokens.For(TitleEval.Cases.Api.Identity.Roles.Inspector);
    }

    public KestrelFactory Factory { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => Factory.Services;

    public static async Task<BenchHost> StartAsync(string engine, Options options, TimeProvider clock, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        // The API's content root is this program's folder (appsettings.json and reference-data/ are copied here).
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_TITLEEVAL_CASES_API", AppContext.BaseDirectory);
        string? database = null;
        var folder = Path.Combine(Path.GetTempPath(), "titleeval-bench", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>(BenchTokens.Settings)
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:TitleEval.Cases.Api.Logging"] = "Warning",
            ["CorrectionDeadlines:SweepInterval"] = "01:00:00",
        };
        if (engine == "messagedb")
        {
            Environment.SetEnvironmentVariable(PostgresServer.ConnectionVariable, options.Postgres ?? throw new InvalidOperationException("--pg is required for messagedb"));
            database = await PostgresServer.CreateDatabaseAsync();
            settings["EventStore:Engine"] = "MessageDb";
            settings["EventStore:PostgresConnectionString"] = database;
            settings["Privacy:ResidentIdHmacKey"] = Convert.ToBase64String(new byte[32]);
            settings["Audit:CheckpointSigningKey"] = TestKeys.AuditSigningKey;
        }
        else
        {
            settings["EventStore:Engine"] = "Sqlite";
            settings["EventStore:SqlitePath"] = Path.Combine(folder, "titleeval.db");
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var factory = new KestrelFactory(settings, clock);
        factory.UseKestrel(0);
        factory.StartServer();
        return new BenchHost(factory, database, folder);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Factory.DisposeAsync();
        if (database is not null)
        {
            await PostgresServer.DropDatabaseAsync(database);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
