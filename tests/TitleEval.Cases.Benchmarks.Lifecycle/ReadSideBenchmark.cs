using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Applications.DeadlineJob;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Seeding;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.Reference;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;

/// <summary>
/// The read side (issue 4), per engine in one run: a dataset seeded through the real command path, the raw global read
/// rate of the store, the rebuild of every projection against it, and query latency over HTTP with concurrent clients.
/// Usage: -- --read-side [--engine sqlite|messagedb|all] [--pg CS] [--seed-applications N] [--events N] [--requests N] [--clients N] [--query TEXT]
/// (--query runs only the queries whose name contains TEXT, e.g. "integrity", for a profile of one of them).
/// With --events N the seeded log is copied under renamed streams until it holds at least N events (see BulkReplicator).
/// </summary>
internal static class ReadSideBenchmark
{
    private static string only = string.Empty;

    public static async Task MainAsync(string[] args, Options options)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        var applications = int.Parse(Value("--seed-applications", "2000"), CultureInfo.InvariantCulture);
        var requests = int.Parse(Value("--requests", "2000"), CultureInfo.InvariantCulture);
        only = Value("--query", string.Empty);
        var target = long.Parse(Value("--events", "0"), CultureInfo.InvariantCulture);
        Console.WriteLine($"TitleEval.Cases read-side benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"seeded applications {applications}, clients {options.Clients}, {requests} requests per query, engines {string.Join(", ", options.Engines)}");
        foreach (var engine in options.Engines)
        {
            await RunAsync(engine, options, applications, requests, target);
        }
    }

    private static async Task RunAsync(string engine, Options options, int applications, int requests, long targetEvents)
    {
        var clock = new TestClock(TestClock.NoonCst(new DateOnly(2026, 6, 15)));
        await using var bench = await BenchHost.StartAsync(engine, options, clock);
        var http = bench.Http;
        var factory = bench.Factory;
        var services = factory.Services;
        var store = services.GetRequiredService<IEventStore>();
        var host = services.GetRequiredService<ProjectionHost>();
        var generations = services.GetRequiredService<ProjectionGenerations>();

        // 1. The dataset, through the same MediatR handlers the endpoints call.
        var seeder = new DatasetSeeder(services.GetRequiredService<IMediator>(), services.GetRequiredService<ReferenceData>(), services.GetRequiredService<CorrectionDeadlineJob>(), clock.SetToday);
        var report = await seeder.SeedAsync(applications, seed: 7, CancellationToken.None);
        await host.CatchUpAsync(CancellationToken.None);
        var seededEvents = await store.ReadHeadPositionAsync();
        var grow = Stopwatch.StartNew();
        var copies = await BulkReplicator.ReplicateAsync(store, seededEvents, targetEvents, CancellationToken.None);
        grow.Stop();
        var live = Stopwatch.StartNew();
        await host.CatchUpAsync(CancellationToken.None);
        live.Stop();
        Console.WriteLine($"{engine}: seeded {seededEvents} events in {report.Elapsed.TotalSeconds:F0} s, copied {copies} times in {grow.Elapsed.TotalSeconds:F0} s, live catch-up of the copies {live.Elapsed.TotalSeconds:F0} s");

        // 2a. The raw global read rate: what any rebuild is bounded by.
        using var self = Process.GetCurrentProcess();
        var readCpu = self.TotalProcessorTime;
        var read = Stopwatch.StartNew();
        var events = 0L;
        var submitted = new List<ApplicationEvent.Submitted>();
        for (var after = 0L; ;)
        {
            var batch = await store.ReadAllAsync(after, 5000);
            if (batch.Count == 0)
            {
                break;
            }

            events += batch.Count;
            after = batch[^1].GlobalPosition;
        }

        read.Stop();
        self.Refresh();
        readCpu = self.TotalProcessorTime - readCpu;
        var rawRate = events / read.Elapsed.TotalSeconds;
        for (var after = 0L; ;)
        {
            var batch = await store.ReadAllAsync(after, 5000);
            if (batch.Count == 0)
            {
                break;
            }

            submitted.AddRange(batch.Where(e => e.Type == "application-submitted.v1").Select(e => (ApplicationEvent.Submitted)EventSerialization.Deserialize(e)));
            after = batch[^1].GlobalPosition;
            if (after >= seededEvents)
            {
                break; // the copies repeat the seeded submissions' ids
            }
        }

        // 2b. Rebuild every projection into a new generation and run until each has switched to it, sampling the
        // process's working set meanwhile (the API runs in this process).
        GC.Collect();
        var sectionsBefore = host.RebuildSections;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var startMiB = process.WorkingSet64 / (1024 * 1024);
        var peakDuringRebuild = 0L;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                process.Refresh();
                peakDuringRebuild = Math.Max(peakDuringRebuild, process.WorkingSet64);
                try
                {
                    await Task.Delay(50, stopSampling.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        process.Refresh();
        var rebuildCpu = process.TotalProcessorTime;
        var rebuild = Stopwatch.StartNew();
        foreach (var projection in host.Projections)
        {
            await generations.StartRebuildAsync(projection, CancellationToken.None);
        }

        // The API's own background loop does the rebuild, as it would on a running service; this only watches.
        while (true)
        {
            await Task.Delay(20);
            var pending = false;
            foreach (var projection in host.Projections)
            {
                pending |= (await generations.ReadAsync(projection.Name, CancellationToken.None))?.Building is not null;
            }

            if (!pending)
            {
                break;
            }
        }

        rebuild.Stop();
        process.Refresh();
        rebuildCpu = process.TotalProcessorTime - rebuildCpu;
        await stopSampling.CancelAsync();
        await sampler;
        var rebuildRate = events / rebuild.Elapsed.TotalSeconds;
        var peakMiB = peakDuringRebuild / (1024 * 1024);
        var sections = host.RebuildSections
            .Select(p => (p.Key, Time: p.Value - sectionsBefore.GetValueOrDefault(p.Key)))
            .OrderByDescending(p => p.Time)
            .ToArray();

        // 2c. The floor: the rebuild's rows written by the database alone (see FloorAsync).
        var floorByProjection = await FloorAsync(store, host, generations);
        var floorLoad = floorByProjection.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Load);
        var floorIndex = floorByProjection.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Index);
        var floorTime = floorLoad + floorIndex;

        // 3. Query latency over HTTP, after catch-up.
        var random = new Random(11);
        var ids = submitted.Select(s => s.ApplicationId.ToString()).ToArray();
        var residents = submitted.Select(s => s.Applicant.ResidentId).ToArray();
        // --requests 0 leaves the queries out (a 1,000,000-event roster is not what the query targets are about).
        var rosterRows = requests == 0 ? 0 : ((JsonArray)JsonNode.Parse(await http.GetStringAsync("/api/v1/rosters?planYear=2026"))!["rows"]!).Count;
        var queries = requests == 0 ? [] : new (string Name, Func<string> Path, int Requests, double TargetMs)[]
        {
            ("case history", () => $"/api/v1/applications/{ids[random.Next(ids.Length)]}/history", requests, 20),
            ("search by residentId", () => $"/api/v1/applications?residentId={residents[random.Next(residents.Length)]}", requests, 10),
            ("integrity check", () => $"/api/v1/integrity-records/check?residentId={residents[random.Next(residents.Length)]}", requests, 5),
            ($"roster xlsx ({rosterRows} rows)", () => "/api/v1/rosters?planYear=2026&format=xlsx", Math.Max(options.Clients, requests / 5), 1000),
        };
        var results = new List<(string Name, double[] Sorted, double TargetMs, string Gc)>();
        foreach (var (name, path, count, target) in queries.Where(q => q.Name.Contains(only, StringComparison.Ordinal)))
        {
            // On stderr, for a profiler to be attached to the query phase (the figures are printed at the end).
            Console.Error.WriteLine($"{engine}: warming up and measuring {name}");
            // Warm-up long enough for the JIT's second tier (a method is recompiled optimised after 30 calls and a pause),
            // the state of a service that has been running: after a warm-up of a tenth of 1,500 requests, turning tiered
            // compilation off still made the measured p50 a fifth lower.
            await MeasureAsync(http, path, Math.Max(1000, count / 10), options.Clients);
            // The GC's pauses during the measured requests, to tell them from scheduling delay in a p99 far above the p50.
            var pausedBefore = GC.GetTotalPauseDuration();
            var gcBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
            var sorted = await MeasureAsync(http, path, count, options.Clients);
            var gcs = Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - gcBefore[g]).ToArray();
            results.Add((name, sorted, target, $"GC paused {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:F0} ms in {gcs[0]}/{gcs[1]}/{gcs[2]} gen0/1/2 collections, {ThreadPool.ThreadCount} pool threads"));
        }

        string Verdict(bool met) => met ? "met" : "MISSED";
        Console.WriteLine();
        Console.WriteLine($"== {engine}: {report.Applications} applications seeded through the command path in {report.Elapsed.TotalSeconds:F0} s -> {seededEvents} events;" +
            $" copied {copies} times under renamed streams in {grow.Elapsed.TotalSeconds:F0} s -> {events} events");
        Console.WriteLine($"   {"measure",-36} {"figure",16} {"target",16} verdict");
        Console.WriteLine($"   {"raw global read (ReadAllAsync 5000)",-36} {rawRate,12:F0} ev/s {"",16} baseline");
        Console.WriteLine($"   {$"rebuild of all {host.Projections.Count} projections",-36} {rebuildRate,12:F0} ev/s {$">= {0.5 * rawRate:F0} ev/s",16} {Verdict(rebuildRate >= 0.5 * rawRate)} ({100 * rebuildRate / rawRate:F0}% of raw, {rebuild.Elapsed.TotalSeconds:F1} s;" +
            $" one read of the log for all)");
        Console.WriteLine($"   {"peak working set during rebuild",-36} {peakMiB,12} MiB {"< 512 MiB",16} {Verdict(peakMiB < 512)} (sampled every 50 ms; {startMiB} MiB at the start, whole process peak {process.PeakWorkingSet64 / (1024 * 1024)} MiB)");
        // CPU time is steadier than elapsed time when other work shares the cores: the same ratio, counted in CPU seconds.
        Console.WriteLine($"   {"process CPU time, raw read : rebuild",-36} {readCpu.TotalSeconds,8:F1} s : {rebuildCpu.TotalSeconds:F1} s = {100 * readCpu.TotalSeconds / rebuildCpu.TotalSeconds:F0}% (both cores; the rebuild's includes the GC and the benchmark's polling)");
        // The same CPU spread perfectly over every core could not take less wall time than this, so the rebuild as it is
        // now cannot beat this ratio by running more in parallel here. Generous: a database server's own CPU is not counted.
        var cpuBound = rebuildCpu.TotalSeconds / Environment.ProcessorCount;
        Console.WriteLine($"   {"CPU bound: rebuild CPU / cores",-36} {cpuBound,12:F1} s   {"",16} ceiling {100 * read.Elapsed.TotalSeconds / cpuBound:F0}% of raw" +
            $" ({rebuildCpu.TotalSeconds:F1} CPU-s over {Environment.ProcessorCount} cores; what more parallelism alone could reach)");
        // A rebuild reads the log and writes these rows; even with the two overlapped on both cores it takes at least the
        // longer of the two, so raw read time / floor time is the best ratio any rebuild of these tables could reach here.
        Console.WriteLine($"   {"floor: the same rows by the database",-36} {floorTime.TotalSeconds,12:F1} s   {"",16} ceiling {100 * read.Elapsed.TotalSeconds / floorTime.TotalSeconds:F0}% of raw" +
            $" (INSERT ... SELECT from the rebuilt tables {floorLoad.TotalSeconds:F1} s, then their deferred indexes {floorIndex.TotalSeconds:F1} s; no event read, parsed or sent)");
        foreach (var (name, load, index) in floorByProjection.OrderByDescending(p => p.Load + p.Index))
        {
            Console.WriteLine($"     floor of {name,-31} {(load + index).TotalSeconds,8:F2} s (rows {load.TotalSeconds:F2} s, indexes {index.TotalSeconds:F2} s)");
        }

        Console.WriteLine($"   where the rebuild's {rebuild.Elapsed.TotalSeconds:F1} s went (sections timed in the host; the rest is the benchmark's own polling):");
        foreach (var (section, time) in sections)
        {
            Console.WriteLine($"     {section,-40} {time.TotalSeconds,8:F2} s {100 * time.TotalSeconds / rebuild.Elapsed.TotalSeconds,5:F0}%");
        }

        Console.WriteLine($"   {"query, " + options.Clients + " clients",-36} {"n",5} {"p50 ms",8} {"p99 ms",8} {"target p99",12} verdict  (p90 / max ms; {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");
        foreach (var (name, sorted, target, gc) in results)
        {
            var p99 = Percentile(sorted, 0.99);
            Console.WriteLine($"   {name,-36} {sorted.Length,5} {Percentile(sorted, 0.50),8:F2} {p99,8:F2} {$"< {target:F0} ms",12} {Verdict(p99 < target)}  ({Percentile(sorted, 0.90):F2} / {sorted[^1]:F2}; {gc})");
        }
    }

    /// <summary>
    /// What writing the rebuilt read models costs the database itself: each projection's tables are created again under a
    /// spare generation with the projection's own DDL (same keys; the plain indexes left for after the load, as in a
    /// rebuild), filled in one transaction by INSERT ... SELECT from the generation the rebuild just switched in, then
    /// indexed, then dropped. No event is read or parsed and no row crosses into .NET, so a rebuild of these tables
    /// can be no faster than this (it also reads the source rows, which costs a little more than a rebuild would).
    /// </summary>
    private static async Task<IReadOnlyList<(string Name, TimeSpan Load, TimeSpan Index)>> FloorAsync(IEventStore store, ProjectionHost host, ProjectionGenerations generations)
    {
        const int spare = 999;
        var result = new List<(string, TimeSpan, TimeSpan)>();
        await using var connection = await store.OpenReadModelConnectionAsync();
        async Task ExecuteAsync(string sql, System.Data.Common.DbTransaction? transaction = null)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandTimeout = 0;
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        foreach (var projection in host.Projections)
        {
            var source = new ProjectionTables(store, (await generations.ReadAsync(projection.Name, CancellationToken.None))!.Active);
            var copy = new ProjectionTables(store, spare);
            var ddl = projection.CreateTables(copy).ToList();
            bool Deferred(string statement) => ProjectionGenerations.IsDeferredIndex(projection, statement);
            foreach (var table in projection.Tables)
            {
                await ExecuteAsync($"DROP TABLE IF EXISTS {copy[table]}");
            }

            foreach (var statement in ddl.Where(d => !Deferred(d)))
            {
                await ExecuteAsync(statement);
            }

            var watch = Stopwatch.StartNew();
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                foreach (var table in projection.Tables)
                {
                    // "WHERE 1 = 1" keeps SQLite from its transfer optimisation, which copies stored records without decoding them: a
                    // rebuild has to build every record, and so does this.
                    await ExecuteAsync($"INSERT INTO {copy[table]} SELECT * FROM {source[table]} WHERE 1 = 1", transaction);
                }

                await transaction.CommitAsync();
            }

            var load = watch.Elapsed;
            watch.Restart();
            foreach (var statement in ddl.Where(Deferred))
            {
                await ExecuteAsync(statement);
            }

            result.Add((projection.Name, load, watch.Elapsed));
            foreach (var table in projection.Tables)
            {
                await ExecuteAsync($"DROP TABLE {copy[table]}");
            }
        }

        return result;
    }

    /// <summary>Sends <paramref name="count"/> GETs split over <paramref name="clients"/> concurrent clients; every one must succeed.</summary>
    private static async Task<double[]> MeasureAsync(HttpClient http, Func<string> path, int count, int clients)
    {
        var latencies = new ConcurrentBag<double>();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                string target;
                lock (path)
                {
                    target = path();
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                // An inspector reads every list and case (no per-case scope read), as the committee office did before tokens.
                request.Headers.Authorization = BenchTokens.For(TitleEval.Cases.Api.Identity.Roles.Inspector);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var content = await response.Content.ReadAsByteArrayAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"GET {target} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(content)}");
                }
            }
        })));
        return latencies.Order().ToArray();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
