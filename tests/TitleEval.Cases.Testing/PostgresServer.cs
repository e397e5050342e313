using Npgsql;

namespace TitleEval.Cases.Testing;

/// <summary>
/// The PostgreSQL + Message DB server the tests use: <c>TITLEEVAL_TEST_POSTGRES</c> holds the connection string
/// that <c>eventstore/postgres/start.sh</c> prints. Each test gets its own database, copied from the pristine
/// <c>message_store</c> database as a template, so tests run in parallel and never see each other's events.
/// </summary>
public static class PostgresServer
{
    public const string ConnectionVariable = "TITLEEVAL_TEST_POSTGRES";
    public const string RequireVariable = "TITLEEVAL_REQUIRE_POSTGRES";

    private static readonly SemaphoreSlim TemplateGate = new(1, 1);

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } cs ? cs : null;

    public static string? SkipReason =>
        ConnectionString is null && Environment.GetEnvironmentVariable(RequireVariable) != "1"
            ? $"PostgreSQL is not configured: set {ConnectionVariable} (eventstore/postgres/start.sh prints it) or run ./test.sh, which starts a server."
            : null;

    /// <summary>Creates a fresh Message DB database and returns the connection string to it as role message_store.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var cs = ConnectionString ?? throw new InvalidOperationException($"{ConnectionVariable} is not set, and {RequireVariable}=1 says PostgreSQL tests must run. Start a server with eventstore/postgres/start.sh.");
        var name = "test_" + Guid.NewGuid().ToString("N")[..16];
        // CREATE DATABASE ... TEMPLATE needs the template to be free of other sessions, so copies are made one at a time.
        await TemplateGate.WaitAsync();
        try
        {
            await using var admin = new NpgsqlConnection(Admin(cs));
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE message_store", admin);
            await create.ExecuteNonQueryAsync();
        }
        finally
        {
            TemplateGate.Release();
        }

        return new NpgsqlConnectionStringBuilder(cs) { Database = name, Pooling = true }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Admin(connectionString));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>The throwaway cluster trusts loopback connections; the superuser creates and drops test databases.</summary>
    private static string Admin(string cs) =>
        new NpgsqlConnectionStringBuilder(cs) { Username = "postgres", Database = "postgres", Pooling = false }.ConnectionString;
}
