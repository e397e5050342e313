using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Audit;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.EventStore.Audit;
using TitleEval.Cases.Testing;

/// <summary>
/// Tamper evidence (issue 5 part 4), per engine in one run:
/// 1. the append path with and without the audit-tree projection (two fresh hosts, same workload: 8 writers appending
///    single lifecycle-sized events, all projections following) — events/s until appended and until every projection
///    has caught up, as a ratio (target ≥ 80%);
/// 2. a log of N events (default 1,000,000) with its audit tree, then inclusion and consistency proof generation from the
///    stored tree, p50/p99 over random sizes and leaves (target p99 &lt; 10 ms);
/// 3. the offline verifier over the whole log against a checkpoint: leaves/s and leaves per CPU-second (target ≥ 100,000/s).
/// Usage: -- --audit [--engine sqlite|messagedb|all] [--pg CS] [--events N] [--append-events N] [--proofs N]
/// </summary>
internal static class AuditBenchmark
{
    public static async Task MainAsync(string[] args, Options options)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        var events = int.Parse(Value("--events", "1000000"), CultureInfo.InvariantCulture);
        var appendEvents = int.Parse(Value("--append-events", "4000"), CultureInfo.InvariantCulture);
        var proofs = int.Parse(Value("--proofs", "2000"), CultureInfo.InvariantCulture);
        Console.WriteLine($"TitleEval.Cases audit-tree benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"load average at start: {LoadAverage()} (other processes share the machine: figures are noisy)");
        foreach (var engine in options.Engines)
        {
            Console.WriteLine();
            Console.WriteLine($"== {engine}");
            await AppendPathAsync(engine, options, appendEvents);
            await ProofsAndVerificationAsync(engine, options, events, proofs);
        }
    }

    private static async Task AppendPathAsync(string engine, Options options, int count)
    {
        var rates = new Dictionary<bool, List<(double Appended, double CaughtUp)>> { [false] = [], [true] = [] };
        foreach (var withTree in new[] { false, true, false, true })
        {
            await using var host = await AuditBenchFactory.StartAsync(engine, options, withTree);
            var store = host.Services.GetRequiredService<IEventStore>();
            var projections = host.Services.GetRequiredService<ProjectionHost>();
            var watch = Stopwatch.StartNew();
            const int writers = 8;
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < count / writers; i++)
                {
                    await store.AppendAsync(StreamName.For("auditbench", $"{w}-{i % 50}"), ExpectedVersion.Any, [Payloads.Event(i, w)]);
                }
            })));
            var appended = watch.Elapsed.TotalSeconds;
            var head = await store.ReadHeadPositionAsync();
            while ((await projections.StatusAsync(CancellationToken.None)).Any(s => s.Checkpoint < head))
            {
                await Task.Delay(20);
            }

            rates[withTree].Add((count / appended, count / watch.Elapsed.TotalSeconds));
        }

        var without = (rates[false].Average(r => r.Appended), rates[false].Average(r => r.CaughtUp));
        var with = (rates[true].Average(r => r.Appended), rates[true].Average(r => r.CaughtUp));
        Console.WriteLine($"   append path, {count} single-event appends by 8 writers, every projection following (2 hosts each, alternated):");
        Console.WriteLine($"     without audit tree: {without.Item1,8:F0} events/s appended, {without.Item2,8:F0} events/s until every projection caught up   (baseline)");
        Console.WriteLine($"     with audit tree   : {with.Item1,8:F0} events/s appended, {with.Item2,8:F0} events/s until every projection caught up");
        Console.WriteLine($"     ratio             : {100 * with.Item1 / without.Item1,7:F0}% appended, {100 * with.Item2 / without.Item2,7:F0}% caught up   (target >= 80%)");
    }

    private static async Task ProofsAndVerificationAsync(string engine, Options options, int count, int proofs)
    {
        await using var host = await AuditBenchFactory.StartStoreOnlyAsync(engine, options);
        var store = host.Store;
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < count; start += 1000)
        {
            var batch = Enumerable.Range(start, Math.Min(1000, count - start)).Select(i => Payloads.Event(i, i % 7)).ToList();
            await store.AppendAsync(StreamName.For("auditbench", (start / 1000).ToString(CultureInfo.InvariantCulture)), ExpectedVersion.Any, batch);
        }

        Console.WriteLine($"   log of {count} events appended in {watch.Elapsed.TotalSeconds:F0} s (batches of 1000)");

        // The tree as the projection host builds it: the same projection, its own table and subscription.
        var projection = new AuditTreeProjection(host.Services);
        var tables = new ProjectionTables(store, 1);
        await using (var connection = await store.OpenReadModelConnectionAsync())
        {
            foreach (var ddl in projection.CreateTables(tables))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = ddl;
                await command.ExecuteNonQueryAsync();
            }
        }

        watch.Restart();
        while (await store.ApplyNextBatchAsync("projection:audit-tree-v2:g1", 1000, async (events, transaction, ct) =>
               {
                   // As the host does: the writer's held rows reach the database before the checkpoint commits.
                   await using var writer = new ProjectionWriter(transaction);
                   await projection.ApplyAsync(events, new ProjectionBatch(writer, tables), ct);
                   await writer.FlushAsync(ct);
               }) > 0)
        {
        }

        Console.WriteLine($"   audit tree built by the projection in {watch.Elapsed.TotalSeconds:F0} s ({count / watch.Elapsed.TotalSeconds:F0} leaves/s)");

        var random = new Random(20261129);
        var inclusion = new List<double>();
        var consistency = new List<double>();
        byte[] root;
        await using (var connection = await store.OpenReadModelConnectionAsync())
        {
            root = await AuditTreeReader.ComputeAsync(connection, tables, nodes => MerkleTree.Root(nodes, count), CancellationToken.None);
            for (var i = 0; i < proofs; i++)
            {
                var size = random.NextInt64(count / 2, count + 1);
                var leaf = random.NextInt64(0, size);
                var started = Stopwatch.GetTimestamp();
                var path = await AuditTreeReader.ComputeAsync(connection, tables, nodes => (Root: MerkleTree.Root(nodes, size), Path: MerkleTree.InclusionProof(nodes, leaf, size)), CancellationToken.None);
                inclusion.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (i == 0 && !MerkleTree.VerifyInclusion(leaf, size, (await AuditTreeReader.ReadLeafAsync(connection, tables, leaf, CancellationToken.None))!.Value.Hash, path.Path, path.Root))
                {
                    throw new InvalidOperationException("An inclusion proof did not verify.");
                }

                var first = random.NextInt64(1, size);
                started = Stopwatch.GetTimestamp();
                await AuditTreeReader.ComputeAsync(connection, tables, nodes => (MerkleTree.Root(nodes, first), MerkleTree.Root(nodes, size), MerkleTree.ConsistencyProof(nodes, first, size)), CancellationToken.None);
                consistency.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        inclusion.Sort();
        consistency.Sort();
        Console.WriteLine($"   proof generation at {count} events, {proofs} each (tree size uniform in [n/2, n], one query of the stored nodes + both roots):");
        Console.WriteLine($"     inclusion  : p50 {Percentile(inclusion, 0.50):F2} ms, p99 {Percentile(inclusion, 0.99):F2} ms, max {inclusion[^1]:F2} ms   (target p99 < 10 ms)");
        Console.WriteLine($"     consistency: p50 {Percentile(consistency, 0.50):F2} ms, p99 {Percentile(consistency, 0.99):F2} ms, max {consistency[^1]:F2} ms   (target p99 < 10 ms)");

        // The store's raw global read rate, the verifier's floor: it reads the same batches.
        watch.Restart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long after = 0, read = 0;
        while (await store.ReadAllAsync(after, AuditVerifier.BatchSize) is { Count: > 0 } page)
        {
            read += page.Count;
            after = page[^1].GlobalPosition;
        }

        var readCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"   raw global read of {read} events: {read / watch.Elapsed.TotalSeconds:F0} events/s, {read / readCpu:F0} per CPU-second   (the verifier's floor)");

        using var signer = new CheckpointSigner(CheckpointSigner.TryLoad(TestKeys.NewSigningKey())!);
        var checkpoint = signer.Sign(count, root, DateTimeOffset.UtcNow);
        var verdict = await new AuditVerifier(store, projection.NewEncoder()).VerifyAsync(checkpoint, signer.PublicKeyPem, tables[AuditTreeProjection.Table], CancellationToken.None);
        Console.WriteLine($"   offline verification of {verdict.LogSize} events: {(verdict.Ok ? "OK" : "FAILED " + verdict.Finding)} in {verdict.Seconds:F1} s = {verdict.LeavesPerSecond:F0} leaves/s, {verdict.LeavesPerCpuSecond:F0} leaves per CPU-second   (target >= 100000 leaves/s)");
        Console.WriteLine($"   load average at end: {LoadAverage()}");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    /// <summary>Lifecycle-sized events (about 600 bytes of data, 330 of metadata), one in three by an applicant.</summary>
    private static class Payloads
    {
        public static EventData Event(int i, int w) => new(
            Guid.NewGuid(),
            "stage-review-passed.v1",
            $$"""{"applicationId":"{{Guid.NewGuid()}}","stage":"Department","reviewer":"王五{{i}}","opinion":"同意推荐，材料齐全，业绩突出，符合内蒙古自治区工程系列副高级职称评审条件。","reviewedOn":"2026-06-15","materials":["学历证书","任职资格证书","继续教育证明","业绩材料","论文"],"notes":"第{{w}}组第{{i}}份申报材料经审核无误，予以通过，并于单位公示栏公示五个工作日无异议。"}""",
            $$"""{"actorId":"{{(i % 3 == 0 ? "applicant-15010219880512301" + (i % 10) : "dept-wang")}}","actorRole":"{{(i % 3 == 0 ? "applicant" : "department")}}","actorOrganisation":"11150100MB0001001X","reason":null,"correlationId":"{{Guid.NewGuid()}}","causationId":"{{Guid.NewGuid()}}","clientId":"portal","occurredAt":"2026-06-15T04:00:00+00:00"}""");
    }
}

/// <summary>The API's services on a fresh store, with or without the audit-tree projection (and its checkpoint job).</summary>
internal sealed class AuditBenchFactory : WebApplicationFactory<Program>, IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private readonly bool withTree;
    private readonly bool withJob;
    private readonly string? database;
    private readonly string folder;

    private AuditBenchFactory(Dictionary<string, string?> settings, bool withTree, bool withJob, string? database, string folder)
    {
        this.settings = settings;
        this.withTree = withTree;
        this.withJob = withJob;
        this.database = database;
        this.folder = folder;
    }

    public IEventStore Store => Services.GetRequiredService<IEventStore>();

    public static async Task<AuditBenchFactory> StartAsync(string engine, Options options, bool withTree, bool withJob = true)
    {
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_TITLEEVAL_CASES_API", AppContext.BaseDirectory);
        var folder = Path.Combine(Path.GetTempPath(), "titleeval-bench", Guid.NewGuid().ToString("N"));
        string? database = null;
        var settings = new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["CorrectionDeadlines:SweepInterval"] = "01:00:00",
            ["Audit:CheckpointSigningKey"] = TestKeys.AuditSigningKey,
            ["Privacy:ResidentIdHmacKey"] = Convert.ToBase64String(new byte[32]),
        };
        if (engine == "messagedb")
        {
            Environment.SetEnvironmentVariable(PostgresServer.ConnectionVariable, options.Postgres ?? throw new InvalidOperationException("--pg is required for messagedb"));
            database = await PostgresServer.CreateDatabaseAsync();
            settings["EventStore:Engine"] = "MessageDb";
            settings["EventStore:PostgresConnectionString"] = database;
        }
        else
        {
            settings["EventStore:Engine"] = "Sqlite";
            settings["EventStore:SqlitePath"] = Path.Combine(folder, "titleeval.db");
        }

        var factory = new AuditBenchFactory(settings, withTree, withJob && withTree, database, folder);
        _ = factory.Services;
        return factory;
    }

    /// <summary>As <see cref="StartAsync"/> but with no projection host or jobs: the proof and verification figures measure the tree alone.</summary>
    public static async Task<AuditBenchFactory> StartStoreOnlyAsync(string engine, Options options)
    {
        var factory = await StartAsync(engine, options, withTree: true, withJob: false);
        var projections = factory.Services.GetServices<IHostedService>().OfType<ProjectionHost>().Single();
        await projections.StopAsync(CancellationToken.None);
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            foreach (var descriptor in services.Where(d => (!withTree && d.ServiceType == typeof(IProjection) && d.ImplementationFactory is not null)
                || (!withJob && d.ImplementationType == typeof(AuditCheckpointJob))).ToList())
            {
                services.Remove(descriptor);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
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
