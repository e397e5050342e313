using System.Data.Common;
using System.Globalization;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Npgsql;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.Api.Tests.ReadModels;

/// <summary>
/// <see cref="ProjectionBatch.AppendAsync"/> writes by binary COPY while a generation is rebuilt on PostgreSQL and by
/// INSERT otherwise: both must leave the same rows, value for value and type for type, and the batch's other statements
/// and reads must still see the appended rows in the order they were asked for.
/// </summary>
public abstract class ProjectionAppendTests
{
    private const int Rows = 150;

    /// <summary>An open connection to an empty database, the engine name, and what to do afterwards.</summary>
    protected abstract Task<(DbConnection Connection, string Engine, Func<Task> Cleanup)> OpenAsync();

    /// <summary>Whether a rebuilding writer is expected to copy (PostgreSQL) or insert (SQLite).</summary>
    protected abstract bool Copies { get; }

    [EngineFact]
    public async Task Rows_appended_while_rebuilding_are_the_rows_appended_live_and_reads_in_between_see_them()
    {
        var (connection, engine, cleanup) = await OpenAsync();
        try
        {
            // Given empty tables for a live writer and for a rebuilding one, of every column type the projections write
            var schema = engine == "messagedb" ? "titleeval." : string.Empty;
            foreach (var name in new[] { "live", "rebuilt" })
            {
                await ExecuteAsync(connection, $"""
                    CREATE TABLE {schema}appended_{name} (
                        id TEXT PRIMARY KEY, at TEXT NOT NULL, position BIGINT NOT NULL, level INTEGER NOT NULL, widened BIGINT NULL,
                        hash BYTEA NULL, note TEXT NULL)
                    """);
                await ExecuteAsync(connection, $"CREATE TABLE {schema}other_{name} (position BIGINT PRIMARY KEY, note TEXT NULL)");
                await ExecuteAsync(connection, $"CREATE TABLE {schema}counter_{name} (n BIGINT NOT NULL)");
                await ExecuteAsync(connection, $"INSERT INTO {schema}counter_{name} (n) VALUES (0)");
            }

            // When the same rows go through each writer, with another table's rows, another statement and reads among them
            var live = await AppendAsync(connection, engine, $"{schema}appended_live", $"{schema}other_live", $"{schema}counter_live", rebuilding: false);
            var rebuilt = await AppendAsync(connection, engine, $"{schema}appended_rebuilt", $"{schema}other_rebuilt", $"{schema}counter_rebuilt", rebuilding: true);

            // Then both tables hold the same rows, and only the rebuild on PostgreSQL took the COPY path
            var liveRows = await RowsAsync(connection, $"SELECT * FROM {schema}appended_live ORDER BY id");
            liveRows.Should().HaveCount(Rows);
            (await RowsAsync(connection, $"SELECT * FROM {schema}appended_rebuilt ORDER BY id")).Should().Equal(liveRows);
            (await RowsAsync(connection, $"SELECT * FROM {schema}other_rebuilt ORDER BY position"))
                .Should().Equal(await RowsAsync(connection, $"SELECT * FROM {schema}other_live ORDER BY position")).And.NotBeEmpty();
            (await RowsAsync(connection, $"SELECT n FROM {schema}counter_rebuilt")).Should().Equal(await RowsAsync(connection, $"SELECT n FROM {schema}counter_live"));
            live.Copied.Should().Be(0);
            rebuilt.Copied.Should().Be(Copies ? Rows + live.Others : 0);

            // And every read in the middle saw every row appended before it
            rebuilt.Seen.Should().Equal(live.Seen).And.NotBeEmpty();
            live.Seen.Should().OnlyContain(seen => seen.Count == seen.Expected);
        }
        finally
        {
            await cleanup();
        }
    }

    private static async Task<(long Copied, int Others, List<(long Count, long Expected)> Seen)> AppendAsync(
        DbConnection connection, string engine, string table, string other, string counter, bool rebuilding)
    {
        var seen = new List<(long Count, long Expected)>();
        var others = 0;
        await using var transaction = await connection.BeginTransactionAsync();
        var writer = new ProjectionWriter(new SubscriberTransaction(connection, transaction, engine)) { Rebuilding = rebuilding };
        await using (writer)
        {
            // The tables are named directly: no generation's names are needed.
            var batch = new ProjectionBatch(writer, null!);
            for (var i = 0; i < Rows; i++)
            {
                await batch.AppendAsync(
                    table,
                    CancellationToken.None,
                    ("id", $"application-{i:D4}:{i % 7}"),
                    ("at", new DateTimeOffset(2026, 6, 15, 4, 0, 0, TimeSpan.Zero).AddTicks(i * 1234567L).ToString("O", CultureInfo.InvariantCulture)),
                    ("position", i == 0 ? long.MaxValue : 1_000_000_000_000L + i),
                    ("level", i % 5 == 0 ? -i : i),
                    ("widened", i % 3 == 0 ? null : i),
                    ("hash", i % 4 == 0 ? null : i % 4 == 1 ? Array.Empty<byte>() : BitConverter.GetBytes((long)i * 0x0102030405060708L)),
                    ("note", i % 2 == 0 ? null : i % 11 == 0 ? string.Empty : $"王小二 {i} \"quoted\"\t\\ tab"));
                if (i % 10 == 3)
                {
                    await batch.AppendAsync(other, CancellationToken.None, ("position", (long)i), ("note", i % 20 == 3 ? null : "其他"));
                    others++;
                }

                if (i % 37 == 5)
                {
                    await batch.ExecuteAsync($"UPDATE {counter} SET n = n + @by", CancellationToken.None, ("@by", (long)i));
                }

                if (i % 29 == 7)
                {
                    seen.Add((Convert.ToInt64(await batch.ScalarAsync($"SELECT COUNT(*) FROM {table}", CancellationToken.None), CultureInfo.InvariantCulture), i + 1));
                }

                if (i % 41 == 9)
                {
                    await using var command = batch.Command($"SELECT COUNT(*) FROM {other}");
                    seen.Add((Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture), others));
                }
            }

            await writer.FlushAsync(CancellationToken.None);
        }

        await transaction.CommitAsync();
        return (writer.CopiedRows, others, seen);
    }

    /// <summary>Each row as text, every value with its type (bytes in hex), so a wrong type or value shows.</summary>
    private static async Task<List<string>> RowsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i) switch
            {
                byte[] bytes => $"bytes:{Convert.ToHexString(bytes)}",
                var value => $"{value.GetType().Name}:{Convert.ToString(value, CultureInfo.InvariantCulture)}",
            })));
        }

        return rows;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class SqliteProjectionAppendTests : ProjectionAppendTests
{
    protected override bool Copies => false;

    protected override async Task<(DbConnection Connection, string Engine, Func<Task> Cleanup)> OpenAsync()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        return (connection, "sqlite", () => connection.DisposeAsync().AsTask());
    }
}

[RequiresPostgres]
public sealed class PostgresProjectionAppendTests : ProjectionAppendTests
{
    protected override bool Copies => true;

    protected override async Task<(DbConnection Connection, string Engine, Func<Task> Cleanup)> OpenAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        return (connection, "messagedb", async () =>
        {
            await connection.DisposeAsync();
            await PostgresServer.DropDatabaseAsync(database);
        });
    }
}
