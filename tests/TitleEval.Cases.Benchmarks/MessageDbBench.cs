using Npgsql;
using NpgsqlTypes;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Benchmarks;

/// <summary>
/// PostgreSQL + Message DB: our <see cref="IEventStore"/> against plain <c>SELECT message_store.write_message(...)</c>
/// calls, each side in its own fresh database copied from the <c>message_store</c> template; reads against one
/// streaming SELECT over <c>message_store.messages</c>.
/// </summary>
public sealed class MessageDbBench(BenchOptions o, Payloads payloads, Report report)
{
    private const string Engine = "messagedb";
    private const string WriteSql = "SELECT message_store.write_message($1, $2, $3, $4, $5)";

    private readonly string suffix = DateTime.UtcNow.ToString("MMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "_" + Environment.ProcessId;
    private readonly List<string> databases = [];

    internal IReadOnlyList<string> Databases => databases;

    public async Task RunAsync()
    {
        // CREATE DATABASE ... TEMPLATE needs the template free of sessions: make every copy before anything connects to it.
        var oursDb = await CreateDatabaseAsync("bench_ours").ConfigureAwait(false);
        var rawDb = await CreateDatabaseAsync("bench_raw").ConfigureAwait(false);
        var readDb = await CreateDatabaseAsync("bench_read").ConfigureAwait(false);
        try
        {
            await DescribeServerAsync(rawDb).ConfigureAwait(false);
            if (!o.SkipAppends)
            {
                await AppendsAsync(oursDb, rawDb).ConfigureAwait(false);
            }

            if (!o.SkipReads)
            {
                await ReadsAsync(readDb).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!o.Keep)
            {
                await DropDatabasesAsync().ConfigureAwait(false);
            }
        }
    }

    internal async Task DropDatabasesAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var db in databases)
        {
            await AdminAsync($"DROP DATABASE IF EXISTS {db} WITH (FORCE)").ConfigureAwait(false);
        }

        databases.Clear();
    }

    internal string Connection(string database) =>
        new NpgsqlConnectionStringBuilder(o.Postgres) { Database = database, SearchPath = "message_store,titleeval,public" }.ConnectionString;

    private string AdminConnection(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder(o.Postgres) { Username = "postgres", Database = database, Pooling = false }.ConnectionString;

    internal async Task AdminAsync(string sql, string database = "postgres")
    {
        await using var admin = new NpgsqlConnection(AdminConnection(database));
        await admin.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, admin) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    internal async Task<string> CreateDatabaseAsync(string prefix)
    {
        var template = new NpgsqlConnectionStringBuilder(o.Postgres).Database ?? "message_store";
        var name = $"{prefix}_{suffix}";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AdminAsync($"CREATE DATABASE {name} TEMPLATE {template}").ConfigureAwait(false);
                databases.Add(name);
                Console.Error.WriteLine($"[messagedb] created database {name} from template {template}");
                return name;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                await Task.Delay(500).ConfigureAwait(false);
            }
        }
    }

    private async Task DescribeServerAsync(string database)
    {
        await using var c = new NpgsqlConnection(Connection(database));
        await c.OpenAsync().ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('wal_sync_method'), current_setting('full_page_writes'), current_setting('shared_buffers'), message_store.message_store_version()",
            c);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        await r.ReadAsync().ConfigureAwait(false);
        var host = new NpgsqlConnectionStringBuilder(o.Postgres);
        report.Setting($"PostgreSQL {r.GetString(0)} at {host.Host}:{host.Port}: fsync={r.GetString(1)}, synchronous_commit={r.GetString(2)}, wal_sync_method={r.GetString(3)}, full_page_writes={r.GetString(4)}, shared_buffers={r.GetString(5)}; Message DB message_store_version()={r.GetString(6)} (package 1.3.1); client Npgsql {typeof(NpgsqlConnection).Assembly.GetName().Version}, no auto-prepare");
    }

    private async Task AppendsAsync(string oursDb, string rawDb)
    {
        var writers = o.Writers;
        var batchWarmup = Math.Max(10, o.Warmup / o.BatchSize);

        var ours = EventStoreFactory.Create(
            new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = Connection(oursDb) },
            TimeProvider.System);
        await ours.InitializeAsync().ConfigureAwait(false);
        var oursPool = Enumerable.Range(0, o.Streams).Select(_ => StreamName.For("application", Guid.NewGuid().ToString("D"))).ToArray();
        var oursRandom = Enumerable.Range(0, writers).Select(w => new Random(w + 1)).ToArray();

        // Raw: one dedicated connection per writer, plain unprepared write_message calls, autocommit.
        await using var rawSource = NpgsqlDataSource.Create(Connection(rawDb));
        var connections = new NpgsqlConnection[writers];
        for (var w = 0; w < writers; w++)
        {
            connections[w] = await rawSource.OpenConnectionAsync().ConfigureAwait(false);
        }

        var onePool = Enumerable.Range(0, o.Streams).Select(_ => "application-" + Guid.NewGuid().ToString("D")).ToArray();
        var eightPool = Enumerable.Range(0, o.Streams).Select(k => $"application{k % 8}-{Guid.NewGuid():D}").ToArray();
        var rawRandom = Enumerable.Range(0, writers).Select(w => new Random(w + 1)).ToArray();

        static NpgsqlBatchCommand Write(string stream, EventData e)
        {
            var command = new NpgsqlBatchCommand(WriteSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.EventId.ToString("D") });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Data, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Metadata, NpgsqlDbType = NpgsqlDbType.Jsonb });
            return command;
        }

        Func<int, int, Task> RawSingle(string[] pool) => async (w, i) =>
        {
            var stream = pool[rawRandom[w].Next(pool.Length)];
            await using var batch = new NpgsqlBatch(connections[w]) { BatchCommands = { Write(stream, payloads.NewEvent(i)) } };
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        };

        async Task RawBatch(int w, int i)
        {
            var stream = onePool[rawRandom[w].Next(onePool.Length)];
            var connection = connections[w];
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var e in NewEvents(i))
            {
                batch.BatchCommands.Add(Write(stream, e));
            }

            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
        }

        Task OursSingle(int w, int i) =>
            ours.AppendAsync(oursPool[oursRandom[w].Next(oursPool.Length)], ExpectedVersion.Any, [payloads.NewEvent(i)]);

        Task OursBatch(int w, int i) =>
            ours.AppendAsync(oursPool[oursRandom[w].Next(oursPool.Length)], ExpectedVersion.Any, NewEvents(i));

        Console.Error.WriteLine($"[messagedb] appends: {o.Rounds} rounds per measurement, ours and raw interleaved, median round reported");
        var single = await Harness.RoundsAsync(o.Rounds, [
            new Case("messagedb ours single x1", o.Appends, 1, 1, o.Warmup, OursSingle),
            new Case("messagedb raw  single x1", o.Appends, 1, 1, o.Warmup, RawSingle(onePool)),
        ], CheckpointAsync).ConfigureAwait(false);
        var concurrent = await Harness.RoundsAsync(o.Rounds, [
            new Case($"messagedb ours single x{writers}", o.Appends, writers, 1, o.Warmup, OursSingle),
            new Case($"messagedb raw  single x{writers} 1 category", o.Appends, writers, 1, o.Warmup, RawSingle(onePool)),
            new Case($"messagedb raw  single x{writers} 8 categories", o.Appends, writers, 1, o.Warmup, RawSingle(eightPool)),
        ], CheckpointAsync).ConfigureAwait(false);
        var batches = await Harness.RoundsAsync(o.Rounds, [
            new Case("messagedb ours batch10 x1", o.BatchAppends, 1, o.BatchSize, batchWarmup, OursBatch),
            new Case("messagedb raw  batch10 x1", o.BatchAppends, 1, o.BatchSize, batchWarmup, RawBatch),
        ], CheckpointAsync).ConfigureAwait(false);
        var (ours1, raw1, oursN, rawN1, rawN8, oursB, rawB) = (single[0], single[1], concurrent[0], concurrent[1], concurrent[2], batches[0], batches[1]);

        foreach (var c in connections)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }

        await ((IAsyncDisposable)ours).DisposeAsync().ConfigureAwait(false);

        report.Add(new Row(Engine, "single-event append, 1 writer", "appends/s", ours1.OpsPerSecond, raw1.OpsPerSecond, "autocommit write_message, 1 connection"));
        report.Add(new Row(Engine, $"single-event append, {writers} writers", "appends/s", oursN.OpsPerSecond, rawN1.OpsPerSecond, $"autocommit write_message, {writers} connections, streams in 1 category"));
        report.Add(new Row(Engine, $"single-event append, {writers} writers (info)", "appends/s", oursN.OpsPerSecond, rawN8.OpsPerSecond, $"autocommit write_message, {writers} connections, streams over 8 categories", Informational: true));
        report.Add(new Row(Engine, $"{o.BatchSize}-event append, 1 writer", "appends/s", oursB.OpsPerSecond, rawB.OpsPerSecond, $"transaction of {o.BatchSize} write_message calls (1 batch)"));
        report.Add(new Row(Engine, $"{o.BatchSize}-event append, 1 writer", "events/s", oursB.EventsPerSecond, rawB.EventsPerSecond, $"transaction of {o.BatchSize} write_message calls (1 batch)"));
        report.Note($"messagedb append latency p50/p99 ms: ours x1 {ours1.P50Ms:F2}/{ours1.P99Ms:F2}, raw x1 {raw1.P50Ms:F2}/{raw1.P99Ms:F2}; ours x{writers} {oursN.P50Ms:F2}/{oursN.P99Ms:F2}, raw x{writers} 1 cat {rawN1.P50Ms:F2}/{rawN1.P99Ms:F2}, 8 cats {rawN8.P50Ms:F2}/{rawN8.P99Ms:F2}; ours batch {oursB.P50Ms:F2}/{oursB.P99Ms:F2}, raw batch {rawB.P50Ms:F2}/{rawB.P99Ms:F2}");
        report.Note("messagedb: a CHECKPOINT runs before each append run so no run inherits another's checkpoint.");
    }

    internal Task CheckpointAsync() => AdminAsync("CHECKPOINT");

    private async Task ReadsAsync(string readDb)
    {
        var ours = EventStoreFactory.Create(
            new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = Connection(readDb) },
            TimeProvider.System);
        await ours.InitializeAsync().ConfigureAwait(false);

        Console.Error.WriteLine($"[messagedb] seeding {o.Events:N0} events into {readDb}.message_store.messages (binary COPY as role message_store, 200,000 rows per COPY)");
        var seedWatch = System.Diagnostics.Stopwatch.StartNew();
        await SeedAsync(readDb).ConfigureAwait(false);
        await AdminAsync("VACUUM (ANALYZE) message_store.messages", readDb).ConfigureAwait(false);
        await AdminAsync("CHECKPOINT").ConfigureAwait(false);
        Console.Error.WriteLine($"[messagedb] seeded, vacuumed and checkpointed in {seedWatch.Elapsed.TotalSeconds:F1} s");

        await using var source = NpgsqlDataSource.Create(Connection(readDb));
        var plan = await ExplainAsync(source).ConfigureAwait(false);

        Console.Error.WriteLine("[messagedb] warm-up: one untimed raw pass over the whole table");
        var warm = await RawReadAsync(source).ConfigureAwait(false);
        if (warm != o.Events)
        {
            throw new InvalidOperationException($"Seeded {o.Events} events but read {warm}.");
        }

        await Harness.ReadAllAsync(ours, o.ReadBatchSizes[0], limit: 20_000).ConfigureAwait(false);

        Console.Error.WriteLine($"[messagedb] global reads: {o.Rounds} rounds, interleaved, median reported");
        var reads = new List<(string, Func<Task<long>>)> { ("messagedb raw  read stream", () => RawReadAsync(source)) };
        reads.AddRange(o.ReadBatchSizes.Select(size => ($"messagedb ours ReadAllAsync({size})", (Func<Task<long>>)(() => Harness.ReadAllAsync(ours, size, long.MaxValue)))));
        var results = await Harness.ReadRoundsAsync(o.Rounds, reads).ConfigureAwait(false);
        var raw = results[0];
        for (var k = 0; k < o.ReadBatchSizes.Length; k++)
        {
            var m = results[k + 1];
            if (m.Events != raw.Events)
            {
                throw new InvalidOperationException($"ReadAllAsync read {m.Events} events, the raw reader {raw.Events}.");
            }

            report.Add(new Row(Engine, $"global read, {raw.Events:N0} events, ReadAllAsync batch {o.ReadBatchSizes[k]}", "events/s", m.EventsPerSecond, raw.EventsPerSecond, "one streaming SELECT of all 8 columns ORDER BY global_position, no records"));
        }

        await ((IAsyncDisposable)ours).DisposeAsync().ConfigureAwait(false);
        report.Note($"messagedb read store seeded by binary COPY straight into message_store.messages (then VACUUM ANALYZE, CHECKPOINT); the read figures do not depend on how rows got there. Raw plan: {plan}.");
    }

    internal async Task SeedAsync(string database)
    {
        await using var c = new NpgsqlConnection(Connection(database));
        await c.OpenAsync().ConfigureAwait(false);
        var time = DateTime.SpecifyKind(DateTime.UtcNow.AddDays(-30), DateTimeKind.Unspecified);
        NpgsqlBinaryImporter? copy = null;
        var i = 0;
        foreach (var (_, stream, version) in SeedLayout.Events(o.Events))
        {
            if (i % 200_000 == 0)
            {
                if (copy is not null)
                {
                    await copy.CompleteAsync().ConfigureAwait(false);
                    await copy.DisposeAsync().ConfigureAwait(false);
                    Console.Error.WriteLine($"  {i:N0} rows");
                }

                copy = await c.BeginBinaryImportAsync("COPY message_store.messages (id, stream_name, position, type, data, metadata, time) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false);
            }

            await copy!.StartRowAsync().ConfigureAwait(false);
            await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid).ConfigureAwait(false);
            await copy.WriteAsync(stream, NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(version, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await copy.WriteAsync(Payloads.TypeFor(version), NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(payloads.DataAt(i), NpgsqlDbType.Jsonb).ConfigureAwait(false);
            await copy.WriteAsync(payloads.MetadataAt(i), NpgsqlDbType.Jsonb).ConfigureAwait(false);
            await copy.WriteAsync(time.AddMilliseconds(i), NpgsqlDbType.Timestamp).ConfigureAwait(false);
            i++;
        }

        if (copy is not null)
        {
            await copy.CompleteAsync().ConfigureAwait(false);
            await copy.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal const string RawReadSql = "SELECT global_position, position, time, stream_name, type, data, metadata, id FROM message_store.messages ORDER BY global_position";

    private static async Task<string> ExplainAsync(NpgsqlDataSource source)
    {
        await using var cmd = source.CreateCommand("EXPLAIN " + RawReadSql);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        await r.ReadAsync().ConfigureAwait(false);
        return r.GetString(0).Trim();
    }

    internal static async Task<long> RawReadAsync(NpgsqlDataSource source)
    {
        await using var cmd = source.CreateCommand(RawReadSql);
        await using var reader = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        long count = 0, check = 0;
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            var position = reader.GetInt64(0);
            var version = reader.GetInt64(1);
            var time = reader.GetDateTime(2);
            var stream = reader.GetString(3);
            var type = reader.GetString(4);
            var data = reader.GetString(5);
            var metadata = reader.GetString(6);
            var id = reader.GetGuid(7);
            check += position + version + (time.Ticks & 1) + stream.Length + type.Length + data.Length + metadata.Length + (id.GetHashCode() & 1);
            count++;
        }

        GC.KeepAlive(check);
        return count;
    }

    private EventData[] NewEvents(int i) => payloads.NewBatch(i, o.BatchSize);
}
