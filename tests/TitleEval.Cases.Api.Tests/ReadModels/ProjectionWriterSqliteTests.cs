using Microsoft.Data.Sqlite;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Tests.ReadModels;

/// <summary>
/// The batch writer binds SQLite statements through SQLitePCL itself, not Microsoft.Data.Sqlite. A rebuild compared with
/// live application would not notice if both stored a value differently from Microsoft.Data.Sqlite (both take this path),
/// so each value type is compared here with a row written by a plain SqliteCommand.
/// </summary>
public sealed class ProjectionWriterSqliteTests : IDisposable
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");

    public ProjectionWriterSqliteTests()
    {
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (k TEXT PRIMARY KEY, a, b, c, d, e, f, g, h)";
        create.ExecuteNonQuery();
    }

    public static TheoryData<string, object?> Values => new()
    {
        { "text", "评审委员会 ✓ \u0000 end" },
        { "empty text", string.Empty },
        { "long", long.MinValue },
        { "int", -7 },
        { "short", (short)12 },
        { "bool", true },
        { "blob", new byte[] { 0, 1, 2, 255 } },
        { "empty blob", Array.Empty<byte>() },
        { "double", 2.5 },
        { "null", null },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task A_value_bound_by_the_writer_is_stored_as_Microsoft_Data_Sqlite_stores_it(string label, object? value)
    {
        // Given the value written once by a plain command
        using (var plain = connection.CreateCommand())
        {
            plain.CommandText = "INSERT INTO t (k, a) VALUES ('plain', @a)";
            plain.Parameters.AddWithValue("@a", value ?? DBNull.Value);
            plain.ExecuteNonQuery();
        }

        // When the batch writer writes it in a transaction, twice through its prepared statement
        using (var transaction = connection.BeginTransaction())
        {
            await using var writer = new ProjectionWriter(new SubscriberTransaction(connection, transaction, "sqlite"));
            foreach (var key in new[] { "writer", "writer again" })
            {
                await writer.ExecuteAsync("INSERT INTO t (k, a) VALUES (@k, @a)", [("@k", key), ("@a", value)], CancellationToken.None);
            }

            await writer.FlushAsync(CancellationToken.None);
            transaction.Commit();
        }

        // Then all three rows hold the same type and the same bytes
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT k, typeof(a), quote(a) FROM t ORDER BY k";
        using var reader = read.ExecuteReader();
        var rows = new List<(string Key, string Type, string Quoted)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.True((row.Type, row.Quoted) == (rows[0].Type, rows[0].Quoted), $"{label}: {row} is not stored as {rows[0]}"));
    }

    [Fact]
    public async Task A_statement_with_a_parameter_left_unbound_is_refused_rather_than_stored_as_NULL()
    {
        using var transaction = connection.BeginTransaction();
        await using var writer = new ProjectionWriter(new SubscriberTransaction(connection, transaction, "sqlite"));

        await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            writer.ExecuteAsync("INSERT INTO t (k, a, b) VALUES (@k, @a, @b)", [("@k", "x"), ("@a", 1L)], CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_statement_raises_the_SQLite_error_and_the_next_one_runs()
    {
        using var transaction = connection.BeginTransaction();
        await using var writer = new ProjectionWriter(new SubscriberTransaction(connection, transaction, "sqlite"));
        const string insert = "INSERT INTO t (k, a) VALUES (@k, @a)";
        await writer.ExecuteAsync(insert, [("@k", "same"), ("@a", 1L)], CancellationToken.None);

        var error = await Assert.ThrowsAsync<SqliteException>(() => writer.ExecuteAsync(insert, [("@k", "same"), ("@a", 2L)], CancellationToken.None));
        await writer.ExecuteAsync(insert, [("@k", "other"), ("@a", 3L)], CancellationToken.None);

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        Assert.Equal(2L, count.ExecuteScalar());
    }

    public void Dispose() => connection.Dispose();
}
