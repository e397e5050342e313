using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.EventStore.MessageDb;

namespace TitleEval.Cases.Benchmarks;

/// <summary>
/// <c>--diagnose</c>: where the time of a ratio under target goes. Each experiment replays the engine's own SQL
/// step by step without our C# layer (or adds one step at a time to the raw baseline), so the gap can be split
/// into round trips, extra statements, connection handling, record building and client CPU. Not part of the table.
/// </summary>
public sealed class Diagnostics(BenchOptions o, Payloads payloads)
{
    private const string WriteSql = "SELECT message_store.write_message($1, $2, $3, $4, $5, $6)";

    public async Task RunAsync()
    {
        if (o.Diagnose is "all" or "sqlite-appends")
        {
            await SqliteAppendsAsync().ConfigureAwait(false);
        }

        if (o.Diagnose is "all" or "sqlite-reads")
        {
            await SqliteReadsAsync().ConfigureAwait(false);
        }

        if (o.Diagnose is "all" or "pg-appends")
        {
            await PostgresAppendsAsync().ConfigureAwait(false);
        }

        if (o.Diagnose is "all" or "pg-reads")
        {
            await PostgresReadsAsync().ConfigureAwait(false);
        }
    }

    private static void Title(string title) => Console.Error.WriteLine($"\n== {title}");

    // ---------------------------------------------------------------- SQLite appends

    private async Task SqliteAppendsAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"titleeval-diag-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            Title("sqlite appends: raw INSERT, then the engine's own statements added one at a time, then our layer");
            using var c = SqliteBench.OpenRaw(Path.Combine(dir, "raw.db"), createSchema: true);
            var pool = Enumerable.Range(0, o.Streams).Select(_ => "application-" + Guid.NewGuid().ToString("D")).ToArray();
            var versions = pool.ToDictionary(s => s, _ => -1L, StringComparer.Ordinal);
            var random = new Random(1);
            using var insert = Command(c, SqliteBench.InsertSql, "$id", "$stream", "$category", "$version", "$type", "$data", "$metadata", "$at");
            using var insertReturning = Command(c, SqliteBench.InsertSql + " RETURNING global_position", "$id", "$stream", "$category", "$version", "$type", "$data", "$metadata", "$at");
            using var find = Command(c, "SELECT stream_name, version, global_position FROM events WHERE event_id = $id", "$id");
            using var version = Command(c, "SELECT coalesce(max(version), -1) FROM events WHERE stream_name = $stream", "$stream");

            void Bind(SqliteCommand cmd, string stream, EventData e, long v)
            {
                var p = cmd.Parameters;
                p[0].Value = e.EventId.ToString("D");
                p[1].Value = stream;
                p[2].Value = "application";
                p[3].Value = v;
                p[4].Value = e.Type;
                p[5].Value = e.Data;
                p[6].Value = e.Metadata;
                p[7].Value = 0L;
            }

            Task Batch(int i, bool lookups, bool engineVersion, bool returning)
            {
                var stream = pool[random.Next(pool.Length)];
                var events = NewEvents(i, o.BatchSize);
                using var tx = c.BeginTransaction(deferred: false);
                insert.Transaction = insertReturning.Transaction = find.Transaction = version.Transaction = tx;
                if (lookups)
                {
                    foreach (var e in events)
                    {
                        find.Parameters[0].Value = e.EventId.ToString("D");
                        using var r = find.ExecuteReader();
                        r.Read();
                    }
                }

                long v;
                if (engineVersion)
                {
                    version.Parameters[0].Value = stream;
                    v = (long)version.ExecuteScalar()!;
                }
                else
                {
                    v = versions[stream];
                }

                foreach (var e in events)
                {
                    v++;
                    if (returning)
                    {
                        Bind(insertReturning, stream, e, v);
                        _ = insertReturning.ExecuteScalar();
                    }
                    else
                    {
                        Bind(insert, stream, e, v);
                        insert.ExecuteNonQuery();
                    }
                }

                versions[stream] = v;
                tx.Commit();
                return Task.CompletedTask;
            }

            var n = o.BatchAppends;
            var w = Math.Max(10, o.Warmup / o.BatchSize);
            var baseline = await Harness.RunAsync("raw batch: BEGIN; 10 INSERT; COMMIT", n, 1, o.BatchSize, w, (_, i) => Batch(i, false, false, false)).ConfigureAwait(false);
            await Harness.RunAsync("  + RETURNING global_position", n, 1, o.BatchSize, w, (_, i) => Batch(i, false, false, true)).ConfigureAwait(false);
            await Harness.RunAsync("  + stream version SELECT", n, 1, o.BatchSize, w, (_, i) => Batch(i, false, true, true)).ConfigureAwait(false);
            var replica = await Harness.RunAsync("  + 10 per-id SELECTs (= the engine's SQL)", n, 1, o.BatchSize, w, (_, i) => Batch(i, true, true, true)).ConfigureAwait(false);

            var store = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.Sqlite, SqlitePath = Path.Combine(dir, "ours.db") }, TimeProvider.System);
            await store.InitializeAsync().ConfigureAwait(false);
            var oursPool = Enumerable.Range(0, o.Streams).Select(_ => StreamName.For("application", Guid.NewGuid().ToString("D"))).ToArray();
            var ours = await Harness.RunAsync("our layer (validation + the same SQL)", n, 1, o.BatchSize, w, (_, i) => store.AppendAsync(oursPool[random.Next(oursPool.Length)], ExpectedVersion.Any, NewEvents(i, o.BatchSize))).ConfigureAwait(false);
            await ((IAsyncDisposable)store).DisposeAsync().ConfigureAwait(false);
            Console.Error.WriteLine($"  replica/raw {replica.OpsPerSecond / baseline.OpsPerSecond:P0}; ours/raw {ours.OpsPerSecond / baseline.OpsPerSecond:P0}");
            ValidationCost();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The client CPU of the engine's per-event JSON check (AppendValidation is internal; this repeats its work).</summary>
    private void ValidationCost()
    {
        var events = NewEvents(0, 10_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var round = 0; round < 5; round++)
        {
            foreach (var e in events)
            {
                _ = System.Text.Encoding.UTF8.GetByteCount(e.Data) + System.Text.Encoding.UTF8.GetByteCount(e.Metadata);
                foreach (var json in new[] { e.Data, e.Metadata })
                {
                    var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
                    reader.Read();
                    reader.Skip();
                    reader.Read();
                }
            }
        }

        Console.Error.WriteLine($"  JSON validation as AppendValidation does it: {watch.Elapsed.TotalMilliseconds * 1000 / (5 * events.Length):F2} µs per event");
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, params string[] names)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        cmd.Prepare();
        return cmd;
    }

    // ---------------------------------------------------------------- SQLite reads

    private async Task SqliteReadsAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"titleeval-diag-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            Title($"sqlite global read of {o.Events:N0} events: raw passes repeated (JIT tiering), raw with our column list, paginated raw, our layer");
            var path = Path.Combine(dir, "read.db");
            var store = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.Sqlite, SqlitePath = path }, TimeProvider.System);
            await store.InitializeAsync().ConfigureAwait(false);
            new SqliteBench(o, payloads, new Report(), dir).Seed(path);
            _ = SqliteBench.RawRead(path);
            var reads = new List<(string Name, Func<Task<long>> Read)>
            {
                ("raw streaming SELECT of the 8 columns our records carry", () => Task.FromResult(SqliteBench.RawRead(path))),
                ("raw streaming SELECT of all 9 columns (+ category)", () => Task.FromResult(SqliteStreamAll(path))),
            };
            foreach (var size in o.ReadBatchSizes)
            {
                reads.Add(($"raw paginated (our SQL, batch {size}), no records", () => Task.FromResult(SqlitePaged(path, size))));
                reads.Add(($"our ReadAllAsync({size})", () => Harness.ReadAllAsync(store, size, long.MaxValue)));
            }

            Summarise(await Harness.ReadRoundsAsync(o.Rounds, reads).ConfigureAwait(false));
            await ((IAsyncDisposable)store).DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Summarise(IReadOnlyList<Measurement> medians)
    {
        Console.Error.WriteLine($"  summary, median of the rounds (events/s, % of the first line, client CPU µs/event, postgres CPU µs/event, GC gen1, GC pause ms):");
        foreach (var m in medians)
        {
            Console.Error.WriteLine($"    {m.EventsPerSecond,9:N0}  {m.EventsPerSecond / medians[0].EventsPerSecond,5:P0}  {m.Gc.Cpu.TotalMilliseconds * 1000 / m.Events,5:F2}  {m.Gc.PostgresCpu.TotalMilliseconds * 1000 / m.Events,5:F2}  {m.Gc.Gen1,4}  {m.Gc.Pause.TotalMilliseconds,5:F0}  {m.Name}");
        }
    }

    private static long SqliteStreamAll(string path)
    {
        using var c = new SqliteConnection(SqliteBench.ConnectionString(path));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT global_position, event_id, stream_name, category, version, type, data, metadata, recorded_at FROM events ORDER BY global_position";
        using var r = cmd.ExecuteReader();
        long n = 0, check = 0;
        while (r.Read())
        {
            check += r.GetInt64(0) + r.GetString(1).Length + r.GetString(2).Length + r.GetString(3).Length + r.GetInt64(4) + r.GetString(5).Length + r.GetString(6).Length + r.GetString(7).Length + (r.GetInt64(8) & 1);
            n++;
        }

        GC.KeepAlive(check);
        return n;
    }

    private static long SqlitePaged(string path, int size)
    {
        long after = 0, n = 0, check = 0;
        while (true)
        {
            using var c = new SqliteConnection(new SqliteConnectionStringBuilder(SqliteBench.ConnectionString(path)) { Pooling = true }.ToString());
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT global_position, event_id, stream_name, version, type, data, metadata, recorded_at FROM events WHERE global_position > $after ORDER BY global_position LIMIT $max";
            cmd.Parameters.AddWithValue("$after", after);
            cmd.Parameters.AddWithValue("$max", size);
            using var r = cmd.ExecuteReader();
            var got = 0;
            while (r.Read())
            {
                after = r.GetInt64(0);
                check += r.GetString(1).Length + r.GetString(2).Length + r.GetInt64(3) + r.GetString(4).Length + r.GetString(5).Length + r.GetString(6).Length + (r.GetInt64(7) & 1);
                got++;
            }

            if (got == 0)
            {
                break;
            }

            n += got;
        }

        GC.KeepAlive(check);
        return n;
    }

    // ---------------------------------------------------------------- PostgreSQL appends

    private async Task PostgresAppendsAsync()
    {
        var pg = new MessageDbBench(o, payloads, new Report());
        try
        {
            var oursDb = await pg.CreateDatabaseAsync("diag_ours").ConfigureAwait(false);
            var rawDb = await pg.CreateDatabaseAsync("diag_raw").ConfigureAwait(false);
            Title("messagedb single-event appends: raw write_message, then the engine's own SQL sequence replayed without our C# layer, then proposals, then our layer");
            await using var plain = NpgsqlDataSource.Create(pg.Connection(rawDb));
            await using var prepared = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(pg.Connection(rawDb)) { NoResetOnClose = true, MaxAutoPrepare = 20, AutoPrepareMinUsages = 2 }.ConnectionString);
            var ours = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = pg.Connection(oursDb) }, TimeProvider.System);
            await ours.InitializeAsync().ConfigureAwait(false);

            var oursNoReset = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = new NpgsqlConnectionStringBuilder(pg.Connection(oursDb)) { NoResetOnClose = true }.ConnectionString }, TimeProvider.System);
            var oursPrepared = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = new NpgsqlConnectionStringBuilder(pg.Connection(oursDb)) { NoResetOnClose = true, MaxAutoPrepare = 20, AutoPrepareMinUsages = 2 }.ConnectionString }, TimeProvider.System);
            await using var plainNoReset = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(pg.Connection(rawDb)) { NoResetOnClose = true }.ConnectionString);

            foreach (var (writers, size) in new[] { (1, 1), (o.Writers, 1), (1, o.BatchSize) })
            {
                EventData[] Ev(int i) => size == 1 ? [payloads.NewEvent(i)] : NewEvents(i, size);
                var pool = Enumerable.Range(0, o.Streams).Select(_ => "application-" + Guid.NewGuid().ToString("D")).ToArray();
                var random = Enumerable.Range(0, writers).Select(w => new Random(w + 7)).ToArray();
                var plainConnections = await OpenAllAsync(plain, writers).ConfigureAwait(false);
                var preparedConnections = await OpenAllAsync(prepared, writers).ConfigureAwait(false);
                string Pick(int w) => pool[random[w].Next(pool.Length)];
                var oursPool = Enumerable.Range(0, o.Streams).Select(_ => StreamName.For("application", Guid.NewGuid().ToString("D"))).ToArray();
                var n = size == 1 ? o.Appends : o.BatchAppends;
                var variants = new List<(string Name, Func<int, int, Task> Op)>
                {
                    size == 1
                        ? ("A  raw autocommit write_message (1 RT)", (w, i) => AutocommitWrite(plainConnections[w], Pick(w), Ev(i)))
                        : ($"A  raw BEGIN; {size} write_message; COMMIT (2 RT)", (w, i) => TransactionWrite(plainConnections[w], Pick(w), Ev(i))),
                    size == 1
                        ? ("A' raw autocommit write_message, auto-prepared", (w, i) => AutocommitWrite(preparedConnections[w], Pick(w), Ev(i)))
                        : ("A' = A auto-prepared", (w, i) => TransactionWrite(preparedConnections[w], Pick(w), Ev(i))),
                    ("B  raw write_message(s) in BEGIN..COMMIT (2 RT)", (w, i) => TransactionWrite(plainConnections[w], Pick(w), Ev(i))),
                    ("C  engine SQL replayed on a held connection (3 RT)", (w, i) => EngineSequence(plainConnections[w], Pick(w), Ev(i))),
                    ("D  = C, pooled connection opened per append (as the engine)", async (w, i) =>
                    {
                        await using var c = await plain.OpenConnectionAsync().ConfigureAwait(false);
                        await EngineSequence(c, Pick(w), Ev(i)).ConfigureAwait(false);
                    }),
                    ("D' = D with No Reset On Close=true", async (w, i) =>
                    {
                        await using var c = await plainNoReset.OpenConnectionAsync().ConfigureAwait(false);
                        await EngineSequence(c, Pick(w), Ev(i)).ConfigureAwait(false);
                    }),
                    ("E  proposal: 1 implicit-tx batch [lock; write_message; position] (1 RT), held conn", (w, i) => OneRoundTrip(plainConnections[w], Pick(w), Ev(i))),
                    ("E' = E, pooled per append, No Reset On Close, auto-prepared", async (w, i) =>
                    {
                        await using var c = await prepared.OpenConnectionAsync().ConfigureAwait(false);
                        await OneRoundTrip(c, Pick(w), Ev(i)).ConfigureAwait(false);
                    }),
                    ("O  our layer", (w, i) => ours.AppendAsync(oursPool[random[w].Next(oursPool.Length)], ExpectedVersion.Any, Ev(i))),
                    ("O' our layer, connection string + No Reset On Close=true", (w, i) => oursNoReset.AppendAsync(oursPool[random[w].Next(oursPool.Length)], ExpectedVersion.Any, Ev(i))),
                    ("O\" our layer, + No Reset On Close + Max Auto Prepare=20", (w, i) => oursPrepared.AppendAsync(oursPool[random[w].Next(oursPool.Length)], ExpectedVersion.Any, Ev(i))),
                };

                var results = variants.ToDictionary(v => v.Name, _ => new List<Measurement>());
                for (var round = 1; round <= o.Rounds; round++)
                {
                    foreach (var (name, op) in variants)
                    {
                        await pg.CheckpointAsync().ConfigureAwait(false);
                        results[name].Add(await Harness.RunAsync($"x{writers} size {size} r{round} {name}", n, writers, size, round == 1 ? Math.Max(10, o.Warmup / size) : 0, op).ConfigureAwait(false));
                    }
                }

                var baseline = Median(results[variants[0].Name]);
                Console.Error.WriteLine($"  summary x{writers}, {size} event(s) per append, median of {o.Rounds} rounds (appends/s, % of A, p50 ms, client CPU ms/append, postgres CPU ms/append):");
                foreach (var (name, _) in variants)
                {
                    var m = Median(results[name]);
                    Console.Error.WriteLine($"    {m.OpsPerSecond,7:N0}  {m.OpsPerSecond / baseline.OpsPerSecond,5:P0}  {m.P50Ms,5:F2}  {m.Gc.Cpu.TotalMilliseconds / m.Operations,5:F2}  {m.Gc.PostgresCpu.TotalMilliseconds / m.Operations,5:F2}  {name}");
                }

                foreach (var c in plainConnections.Concat(preparedConnections))
                {
                    await c.DisposeAsync().ConfigureAwait(false);
                }
            }

            await ((IAsyncDisposable)oursNoReset).DisposeAsync().ConfigureAwait(false);
            await ((IAsyncDisposable)oursPrepared).DisposeAsync().ConfigureAwait(false);
            await ((IAsyncDisposable)ours).DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await pg.DropDatabasesAsync().ConfigureAwait(false);
        }
    }

    private static Measurement Median(List<Measurement> runs) => runs.OrderBy(m => m.OpsPerSecond).ElementAt(runs.Count / 2);

    private static async Task<NpgsqlConnection[]> OpenAllAsync(NpgsqlDataSource source, int count)
    {
        var connections = new NpgsqlConnection[count];
        for (var i = 0; i < count; i++)
        {
            connections[i] = await source.OpenConnectionAsync().ConfigureAwait(false);
        }

        return connections;
    }

    private static NpgsqlBatchCommand Write(string stream, EventData e, long? expected)
    {
        var command = new NpgsqlBatchCommand(WriteSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.EventId.ToString("D") });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Data, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Metadata, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(expected is { } v ? new NpgsqlParameter<long> { TypedValue = v } : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        return command;
    }

    private static async Task AutocommitWrite(NpgsqlConnection c, string stream, EventData[] events)
    {
        await using var batch = new NpgsqlBatch(c) { BatchCommands = { Write(stream, events[0], null) } };
        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static async Task TransactionWrite(NpgsqlConnection c, string stream, EventData[] events)
    {
        await using var tx = await c.BeginTransactionAsync().ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(c, tx);
        foreach (var e in events)
        {
            batch.BatchCommands.Add(Write(stream, e, null));
        }

        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        await tx.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>The statements MessageDbEventStore.AppendAsync sends for one event, in the same batches.</summary>
    private static async Task EngineSequence(NpgsqlConnection c, string stream, EventData[] events)
    {
        var ids = events.Select(e => e.EventId).ToArray();
        await using var tx = await c.BeginTransactionAsync().ConfigureAwait(false);
        long version = -1;
        await using (var first = new NpgsqlBatch(c, tx))
        {
            first.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({MessageDbEventStore.AppendLockKey})"));
            var find = new NpgsqlBatchCommand("SELECT id, stream_name, position, global_position FROM message_store.messages WHERE id = ANY($1)");
            find.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            first.BatchCommands.Add(find);
            var versions = new NpgsqlBatchCommand("SELECT s, message_store.stream_version(s) FROM unnest($1::varchar[]) AS s");
            versions.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [stream] });
            first.BatchCommands.Add(versions);
            await using var r = await first.ExecuteReaderAsync().ConfigureAwait(false);
            await r.NextResultAsync().ConfigureAwait(false);
            while (await r.ReadAsync().ConfigureAwait(false))
            {
            }

            await r.NextResultAsync().ConfigureAwait(false);
            while (await r.ReadAsync().ConfigureAwait(false))
            {
                version = r.IsDBNull(1) ? -1 : r.GetInt64(1);
            }
        }

        await using (var second = new NpgsqlBatch(c, tx))
        {
            foreach (var e in events)
            {
                second.BatchCommands.Add(Write(stream, e, version++));
            }

            var positions = new NpgsqlBatchCommand("SELECT id, global_position FROM message_store.messages WHERE id = ANY($1)");
            positions.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            second.BatchCommands.Add(positions);
            await using var r = await second.ExecuteReaderAsync().ConfigureAwait(false);
            for (var k = 0; k < events.Length; k++)
            {
                await r.NextResultAsync().ConfigureAwait(false);
            }

            while (await r.ReadAsync().ConfigureAwait(false))
            {
            }
        }

        await tx.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The proposal: one batch with no explicit transaction. PostgreSQL runs everything up to the batch's Sync as
    /// one implicit transaction, so the store-wide lock is still held until the commit; write_message checks the
    /// expected version (NULL for Any) and the unique index on id rejects a re-sent id. Only when the batch fails
    /// (wrong version, duplicate id) does the engine need its current slow path to classify the error.
    /// </summary>
    private static async Task OneRoundTrip(NpgsqlConnection c, string stream, EventData[] events)
    {
        await using var batch = new NpgsqlBatch(c);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({MessageDbEventStore.AppendLockKey})"));
        foreach (var e in events)
        {
            batch.BatchCommands.Add(Write(stream, e, null));
        }

        var positions = new NpgsqlBatchCommand("SELECT id, global_position FROM message_store.messages WHERE id = ANY($1)");
        positions.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.EventId).ToArray() });
        batch.BatchCommands.Add(positions);
        await using var r = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        for (var k = 0; k <= events.Length; k++)
        {
            await r.NextResultAsync().ConfigureAwait(false);
        }

        while (await r.ReadAsync().ConfigureAwait(false))
        {
            _ = r.GetInt64(1);
        }
    }

    // ---------------------------------------------------------------- PostgreSQL reads

    private async Task PostgresReadsAsync()
    {
        var pg = new MessageDbBench(o, payloads, new Report());
        try
        {
            var readDb = await pg.CreateDatabaseAsync("diag_read").ConfigureAwait(false);
            Title($"messagedb global read of {o.Events:N0} events: raw stream, raw with our SELECT list, paginated raw, our layer");
            await pg.SeedAsync(readDb).ConfigureAwait(false);
            await pg.AdminAsync("VACUUM (ANALYZE) message_store.messages", readDb).ConfigureAwait(false);
            await pg.CheckpointAsync().ConfigureAwait(false);
            await using var source = NpgsqlDataSource.Create(pg.Connection(readDb));
            await using var preparedSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(pg.Connection(readDb)) { MaxAutoPrepare = 20, AutoPrepareMinUsages = 2 }.ConnectionString);
            var ours = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = pg.Connection(readDb) }, TimeProvider.System);
            _ = await MessageDbBench.RawReadAsync(source).ConfigureAwait(false);
            var reads = new List<(string Name, Func<Task<long>> Read)>
            {
                ("raw streaming SELECT of every column (jsonb binary)", () => MessageDbBench.RawReadAsync(source)),
                ("raw streaming with our SELECT list (data::text, metadata::text)", () => PgRead(source, OurColumns, 0)),
            };
            foreach (var size in o.ReadBatchSizes)
            {
                reads.Add(($"raw paginated, our SQL, batch {size}, no records", () => PgRead(source, OurColumns, size)));
                reads.Add(($"raw paginated, our SQL, batch {size}, no records, auto-prepared", () => PgRead(preparedSource, OurColumns, size)));
                reads.Add(($"raw paginated, jsonb columns (no ::text), batch {size}, no records", () => PgRead(source, "global_position, id, stream_name, position, type, data, metadata, time", size)));
                reads.Add(($"our ReadAllAsync({size})", () => Harness.ReadAllAsync(ours, size, long.MaxValue)));
            }

            Summarise(await Harness.ReadRoundsAsync(o.Rounds, reads).ConfigureAwait(false));
            await ((IAsyncDisposable)ours).DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await pg.DropDatabasesAsync().ConfigureAwait(false);
        }
    }

    private const string OurColumns = "global_position, id, stream_name, position, type, data::text, metadata::text, time";

    /// <summary>Reads the whole table in global order with the given SELECT list: streaming when batch is 0, else paginated like ReadAllAsync.</summary>
    private static async Task<long> PgRead(NpgsqlDataSource source, string columns, int batch)
    {
        long after = 0, n = 0, check = 0;
        while (true)
        {
            await using var cmd = batch == 0
                ? source.CreateCommand($"SELECT {columns} FROM message_store.messages ORDER BY global_position")
                : source.CreateCommand($"SELECT {columns} FROM message_store.messages WHERE global_position > $1 ORDER BY global_position LIMIT $2");
            if (batch > 0)
            {
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch });
            }

            await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
            var got = 0;
            while (await r.ReadAsync().ConfigureAwait(false))
            {
                after = r.GetInt64(0);
                var id = r.GetGuid(1);
                check += r.GetString(2).Length + r.GetInt64(3) + r.GetString(4).Length + r.GetString(5).Length + r.GetString(6).Length + (r.GetDateTime(7).Ticks & 1) + (id.GetHashCode() & 1);
                got++;
            }

            n += got;
            if (batch == 0 || got == 0)
            {
                break;
            }
        }

        GC.KeepAlive(check);
        return n;
    }

    private EventData[] NewEvents(int i, int count) => payloads.NewBatch(i, count);
}
