using System.Reflection;
using Microsoft.Data.Sqlite;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Benchmarks;

/// <summary>
/// SQLite: our <see cref="IEventStore"/> against plain INSERTs into an identical table (same DDL and indexes, same
/// pragmas WAL + synchronous=FULL) in a separate database file; reads against one streaming SELECT.
/// </summary>
public sealed class SqliteBench(BenchOptions o, Payloads payloads, Report report, string directory)
{
    private const string Engine = "sqlite";
    internal const string InsertSql =
        "INSERT INTO events (event_id, stream_name, category, version, type, data, metadata, recorded_at) VALUES ($id, $stream, $category, $version, $type, $data, $metadata, $at)";

    public async Task RunAsync()
    {
        System.IO.Directory.CreateDirectory(directory);
        Console.Error.WriteLine($"[sqlite] files in {directory} ({FileSystem.Describe(directory)})");
        report.Setting($"sqlite {SqliteVersion()}: journal_mode=WAL, synchronous=FULL on our writer (EventStoreOptions.SqliteSynchronous=FULL) and on the raw connection (read back: {RawPragmas()}); files on {FileSystem.Describe(directory)}");
        if (!o.SkipAppends)
        {
            await AppendsAsync().ConfigureAwait(false);
        }

        if (!o.SkipReads)
        {
            await ReadsAsync().ConfigureAwait(false);
        }
    }

    private static string SqliteSchema()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("sqlite-schema.sql")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 30 }.ToString();

    internal static SqliteConnection OpenRaw(string path, bool createSchema)
    {
        var connection = new SqliteConnection(ConnectionString(path));
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
        pragma.ExecuteNonQuery();
        if (createSchema)
        {
            using var ddl = connection.CreateCommand();
            ddl.CommandText = SqliteSchema();
            ddl.ExecuteNonQuery();
        }

        return connection;
    }

    private string SqliteVersion()
    {
        using var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT sqlite_version()";
        return (string)cmd.ExecuteScalar()!;
    }

    private string RawPragmas()
    {
        var path = Path.Combine(directory, "pragma-check.db");
        using (var c = OpenRaw(path, createSchema: false))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "PRAGMA journal_mode";
            var journal = cmd.ExecuteScalar();
            cmd.CommandText = "PRAGMA synchronous";
            var sync = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            return $"journal_mode={journal}, synchronous={sync switch { 0 => "OFF", 1 => "NORMAL", 2 => "FULL", 3 => "EXTRA", _ => sync.ToString(System.Globalization.CultureInfo.InvariantCulture) }}";
        }
    }

    private async Task AppendsAsync()
    {
        var writers = o.Writers;
        var batchWarmup = Math.Max(10, o.Warmup / o.BatchSize);

        // Our layer.
        var ours = (IEventStore)EventStoreFactory.Create(
            new EventStoreOptions { Engine = EventStoreEngine.Sqlite, SqlitePath = Path.Combine(directory, "ours.db"), SqliteSynchronous = "FULL" },
            TimeProvider.System);
        await ours.InitializeAsync().ConfigureAwait(false);
        var oursPool = Enumerable.Range(0, o.Streams).Select(_ => StreamName.For("application", Guid.NewGuid().ToString("D"))).ToArray();
        var oursRandom = Enumerable.Range(0, writers).Select(w => new Random(w + 1)).ToArray();

        // Raw: one connection, prepared INSERT, versions kept client-side; one lock serialises writers (SQLite has one writer).
        using var raw = OpenRaw(Path.Combine(directory, "raw.db"), createSchema: true);
        var rawPool = Enumerable.Range(0, o.Streams).Select(_ => "application-" + Guid.NewGuid().ToString("D")).ToArray();
        var rawVersions = rawPool.ToDictionary(s => s, _ => -1L, StringComparer.Ordinal);
        var rawRandom = Enumerable.Range(0, writers).Select(w => new Random(w + 1)).ToArray();
        // SemaphoreSlim, the same async gate our engine uses, so the 8-writer figure compares database work, not lock primitives.
        using var gate = new SemaphoreSlim(1, 1);
        using var insert = raw.CreateCommand();
        insert.CommandText = InsertSql;
        foreach (var name in new[] { "$id", "$stream", "$category", "$version", "$type", "$data", "$metadata", "$at" })
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        insert.Prepare();

        void RawInsert(string stream, EventData e, long at)
        {
            var version = ++rawVersions[stream];
            var p = insert.Parameters;
            p[0].Value = e.EventId.ToString("D");
            p[1].Value = stream;
            p[2].Value = "application";
            p[3].Value = version;
            p[4].Value = e.Type;
            p[5].Value = e.Data;
            p[6].Value = e.Metadata;
            p[7].Value = at;
            insert.ExecuteNonQuery();
        }

        async Task RawSingle(int w, int i)
        {
            var stream = rawPool[rawRandom[w].Next(rawPool.Length)];
            var e = payloads.NewEvent(i);
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                insert.Transaction = null;
                RawInsert(stream, e, Now());
            }
            finally
            {
                gate.Release();
            }
        }

        async Task RawBatch(int w, int i)
        {
            var stream = rawPool[rawRandom[w].Next(rawPool.Length)];
            var events = NewEvents(i);
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                using var transaction = raw.BeginTransaction(deferred: false);
                insert.Transaction = transaction;
                var at = Now();
                foreach (var e in events)
                {
                    RawInsert(stream, e, at);
                }

                transaction.Commit();
                insert.Transaction = null;
            }
            finally
            {
                gate.Release();
            }
        }

        Task OursSingle(int w, int i) =>
            ours.AppendAsync(oursPool[oursRandom[w].Next(oursPool.Length)], ExpectedVersion.Any, [payloads.NewEvent(i)]);

        Task OursBatch(int w, int i) =>
            ours.AppendAsync(oursPool[oursRandom[w].Next(oursPool.Length)], ExpectedVersion.Any, NewEvents(i));

        Console.Error.WriteLine($"[sqlite] appends: {o.Rounds} rounds per measurement, ours and raw interleaved, median round reported");
        var single = await Harness.RoundsAsync(o.Rounds, [
            new Case("sqlite ours single x1", o.Appends, 1, 1, o.Warmup, OursSingle),
            new Case("sqlite raw  single x1", o.Appends, 1, 1, o.Warmup, RawSingle),
        ]).ConfigureAwait(false);
        var concurrent = await Harness.RoundsAsync(o.Rounds, [
            new Case($"sqlite ours single x{writers}", o.Appends, writers, 1, o.Warmup, OursSingle),
            new Case($"sqlite raw  single x{writers}", o.Appends, writers, 1, o.Warmup, RawSingle),
        ]).ConfigureAwait(false);
        var batches = await Harness.RoundsAsync(o.Rounds, [
            new Case("sqlite ours batch10 x1", o.BatchAppends, 1, o.BatchSize, batchWarmup, OursBatch),
            new Case("sqlite raw  batch10 x1", o.BatchAppends, 1, o.BatchSize, batchWarmup, RawBatch),
        ]).ConfigureAwait(false);
        var (ours1, raw1, oursN, rawN, oursB, rawB) = (single[0], single[1], concurrent[0], concurrent[1], batches[0], batches[1]);
        await ((IAsyncDisposable)ours).DisposeAsync().ConfigureAwait(false);

        report.Add(new Row(Engine, "single-event append, 1 writer", "appends/s", ours1.OpsPerSecond, raw1.OpsPerSecond, "autocommit INSERT, 1 connection"));
        report.Add(new Row(Engine, $"single-event append, {writers} writers", "appends/s", oursN.OpsPerSecond, rawN.OpsPerSecond, $"autocommit INSERT, {writers} tasks share 1 connection behind a lock (SemaphoreSlim)"));
        report.Add(new Row(Engine, $"{o.BatchSize}-event append, 1 writer", "appends/s", oursB.OpsPerSecond, rawB.OpsPerSecond, $"BEGIN IMMEDIATE; {o.BatchSize} INSERTs; COMMIT"));
        report.Add(new Row(Engine, $"{o.BatchSize}-event append, 1 writer", "events/s", oursB.EventsPerSecond, rawB.EventsPerSecond, $"BEGIN IMMEDIATE; {o.BatchSize} INSERTs; COMMIT"));
        report.Note($"sqlite append latency p50/p99 ms: ours x1 {ours1.P50Ms:F2}/{ours1.P99Ms:F2}, raw x1 {raw1.P50Ms:F2}/{raw1.P99Ms:F2}; ours x{writers} {oursN.P50Ms:F2}/{oursN.P99Ms:F2}, raw x{writers} {rawN.P50Ms:F2}/{rawN.P99Ms:F2}; ours batch {oursB.P50Ms:F2}/{oursB.P99Ms:F2}, raw batch {rawB.P50Ms:F2}/{rawB.P99Ms:F2}");
    }

    private async Task ReadsAsync()
    {
        var path = Path.Combine(directory, "read.db");
        var ours = EventStoreFactory.Create(
            new EventStoreOptions { Engine = EventStoreEngine.Sqlite, SqlitePath = path, SqliteSynchronous = "FULL" },
            TimeProvider.System);
        await ours.InitializeAsync().ConfigureAwait(false);

        Console.Error.WriteLine($"[sqlite] seeding {o.Events:N0} events into {path} (bulk INSERT, 50,000 rows per transaction)");
        var seedWatch = System.Diagnostics.Stopwatch.StartNew();
        Seed(path);
        Console.Error.WriteLine($"[sqlite] seeded in {seedWatch.Elapsed.TotalSeconds:F1} s, file {new FileInfo(path).Length / (1024 * 1024):N0} MiB");

        Console.Error.WriteLine("[sqlite] warm-up: one untimed raw pass over the whole table");
        var warm = RawRead(path);
        if (warm != o.Events)
        {
            throw new InvalidOperationException($"Seeded {o.Events} events but read {warm}.");
        }

        await Harness.ReadAllAsync(ours, o.ReadBatchSizes[0], limit: 20_000).ConfigureAwait(false);

        Console.Error.WriteLine($"[sqlite] global reads: {o.Rounds} rounds, interleaved, median reported");
        var reads = new List<(string, Func<Task<long>>)> { ("sqlite raw  read stream", () => Task.FromResult(RawRead(path))) };
        reads.AddRange(o.ReadBatchSizes.Select(size => ($"sqlite ours ReadAllAsync({size})", (Func<Task<long>>)(() => Harness.ReadAllAsync(ours, size, long.MaxValue)))));
        var results = await Harness.ReadRoundsAsync(o.Rounds, reads).ConfigureAwait(false);
        var raw = results[0];
        for (var k = 0; k < o.ReadBatchSizes.Length; k++)
        {
            var m = results[k + 1];
            if (m.Events != raw.Events)
            {
                throw new InvalidOperationException($"ReadAllAsync read {m.Events} events, the raw reader {raw.Events}.");
            }

            report.Add(new Row(Engine, $"global read, {raw.Events:N0} events, ReadAllAsync batch {o.ReadBatchSizes[k]}", "events/s", m.EventsPerSecond, raw.EventsPerSecond, "one streaming SELECT ORDER BY global_position reading the same 8 columns, no records"));
        }

        await ((IAsyncDisposable)ours).DisposeAsync().ConfigureAwait(false);
        report.Note($"sqlite read store seeded by a bulk INSERT (50,000-row transactions) straight into `events`; the read figures do not depend on how rows got there. Raw reads every column our records carry (8 of the table's 9: `category` is derived from stream_name and not read by the engine either).");
    }

    internal void Seed(string path)
    {
        using var c = OpenRaw(path, createSchema: false);
        using (var pragma = c.CreateCommand())
        {
            pragma.CommandText = "PRAGMA cache_size = -262144;";
            pragma.ExecuteNonQuery();
        }

        using var insert = c.CreateCommand();
        insert.CommandText = InsertSql;
        foreach (var name in new[] { "$id", "$stream", "$category", "$version", "$type", "$data", "$metadata", "$at" })
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        insert.Prepare();
        var at = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds() * 1000;
        SqliteTransaction? transaction = null;
        var i = 0;
        foreach (var (category, stream, version) in SeedLayout.Events(o.Events))
        {
            if (i % 50_000 == 0)
            {
                transaction?.Commit();
                transaction?.Dispose();
                transaction = c.BeginTransaction(deferred: false);
                insert.Transaction = transaction;
            }

            var p = insert.Parameters;
            p[0].Value = Guid.NewGuid().ToString("D");
            p[1].Value = stream;
            p[2].Value = category;
            p[3].Value = version;
            p[4].Value = Payloads.TypeFor(version);
            p[5].Value = payloads.DataAt(i);
            p[6].Value = payloads.MetadataAt(i);
            p[7].Value = at + i * 1000L;
            insert.ExecuteNonQuery();
            i++;
        }

        transaction?.Commit();
        transaction?.Dispose();
        using var checkpoint = c.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;";
        checkpoint.ExecuteNonQuery();
    }

    internal static long RawRead(string path)
    {
        using var c = new SqliteConnection(ConnectionString(path));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT global_position, event_id, stream_name, version, type, data, metadata, recorded_at FROM events ORDER BY global_position";
        using var reader = cmd.ExecuteReader();
        long count = 0, check = 0;
        while (reader.Read())
        {
            var position = reader.GetInt64(0);
            var id = reader.GetString(1);
            var stream = reader.GetString(2);
            var version = reader.GetInt64(3);
            var type = reader.GetString(4);
            var data = reader.GetString(5);
            var metadata = reader.GetString(6);
            var at = reader.GetInt64(7);
            check += position + id.Length + stream.Length + version + type.Length + data.Length + metadata.Length + (at & 1);
            count++;
        }

        GC.KeepAlive(check);
        return count;
    }

    private EventData[] NewEvents(int i) => payloads.NewBatch(i, o.BatchSize);

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
}

/// <summary>How seeded events are laid out: ~10 events per stream, four categories, streams interleaved as in real traffic.</summary>
public static class SeedLayout
{
    public static readonly string[] Categories = ["application", "titlesearch", "review", "certificate"];
    private const int StreamsPerBlock = 1000;
    private const int EventsPerStream = 10;

    public static IEnumerable<(string Category, string Stream, long Version)> Events(int total)
    {
        var produced = 0;
        var names = new string[StreamsPerBlock];
        var cats = new string[StreamsPerBlock];
        var streamIndex = 0;
        while (produced < total)
        {
            // A block of up to 1000 streams that receive their 10 events interleaved.
            var remaining = total - produced;
            var streams = Math.Min(StreamsPerBlock, (remaining + EventsPerStream - 1) / EventsPerStream);
            for (var s = 0; s < streams; s++)
            {
                cats[s] = Categories[streamIndex % Categories.Length];
                names[s] = $"{cats[s]}-{Guid.NewGuid():D}";
                streamIndex++;
            }

            for (var v = 0; v < EventsPerStream && produced < total; v++)
            {
                for (var s = 0; s < streams && produced < total; s++)
                {
                    yield return (cats[s], names[s], v);
                    produced++;
                }
            }
        }
    }
}

public static class FileSystem
{
    /// <summary>The mount and file-system type a path lives on, from /proc/mounts (Linux), so tmpfs is never mistaken for a disk.</summary>
    public static string Describe(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            var best = (Mount: "", Type: "?", Device: "?");
            foreach (var line in File.ReadAllLines("/proc/mounts"))
            {
                var parts = line.Split(' ');
                if (parts.Length < 3)
                {
                    continue;
                }

                var mount = parts[1];
                if ((full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal)) && mount.Length >= best.Mount.Length)
                {
                    best = (mount, parts[2], parts[0]);
                }
            }

            return $"{best.Type} {best.Device} mounted at {best.Mount}";
        }
        catch (IOException)
        {
            return "unknown file system";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown file system";
        }
    }
}
