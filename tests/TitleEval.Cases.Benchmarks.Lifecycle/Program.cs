using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;

// Usage: dotnet run -c Release --project tests/TitleEval.Cases.Benchmarks.Lifecycle -- [--engine sqlite|messagedb|all] [--pg CS] [--cases N] [--clients N]
// (--read-side runs the read-side benchmark instead: see ReadSideBenchmark.cs; --roster-export the roster export one:
// RosterExportBenchmark.cs; --audit the audit-tree benchmark: AuditBenchmark.cs)
// For each engine, in one run: the bare store's single-event append rate with 8 writers (the baseline), then full case
// lifecycles — 14 commands each, submission to certificate — sent over HTTP by concurrent clients to the API on Kestrel.
internal static class LifecycleBenchmark
{
    public static async Task Main(string[] args)
    {
        var options = Options.Parse(args);
        if (args.Contains("--audit"))
        {
            await AuditBenchmark.MainAsync(args, options);
            return;
        }

        if (args.Contains("--read-side"))
        {
            await ReadSideBenchmark.MainAsync(args, options);
            return;
        }

        if (args.Contains("--roster-export"))
        {
            await RosterExportBenchmark.MainAsync(args, options);
            return;
        }

        Console.WriteLine($"TitleEval.Cases lifecycle benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"clients {options.Clients}, cases {options.Cases} (14 commands each), engines {string.Join(", ", options.Engines)}");
        foreach (var engine in options.Engines)
        {
            await LifecycleRun.RunAsync(engine, options);
        }
    }
}

internal sealed record Options(IReadOnlyList<string> Engines, string? Postgres, int Cases, int Clients, int BaselineAppends)
{
    public static Options Parse(string[] args)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        var engine = Value("--engine", "all");
        var pg = Value("--pg", Environment.GetEnvironmentVariable(PostgresServer.ConnectionVariable) ?? string.Empty);
        var engines = engine == "all" ? (pg.Length > 0 ? new[] { "sqlite", "messagedb" } : ["sqlite"]) : [engine];
        return new Options(engines, pg.Length > 0 ? pg : null, int.Parse(Value("--cases", "240"), CultureInfo.InvariantCulture),
            int.Parse(Value("--clients", "8"), CultureInfo.InvariantCulture), int.Parse(Value("--baseline-appends", "4000"), CultureInfo.InvariantCulture));
    }
}

internal static class LifecycleRun
{
    /// <summary>"Today" for the whole run: the last day of the deputy-senior window of Hohhot 2026 [002 三(二)3]. Publicities and the meeting lie before it.</summary>
    private static readonly DateOnly Today = new(2026, 7, 10);

    public static async Task RunAsync(string engine, Options options)
    {
        await using var bench = await BenchHost.StartAsync(engine, options, new TestClock(TestClock.NoonCst(Today)));
        var http = bench.Http;
        var factory = bench.Factory;
        var store = factory.Services.GetRequiredService<IEventStore>();

        var baseline = await BaselineAsync(store, options.BaselineAppends);

        var latencies = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var ids = new ResidentIds();
        await RunCasesAsync(http, ids, 2, 2, latencies, written: null); // warm-up
        latencies.Clear();
        var written = new ConcurrentQueue<(long Position, long Timestamp)>();
        using var stopSampling = new CancellationTokenSource();
        var lags = ProjectionLag.SampleAsync(store, written, stopSampling.Token);
        var watch = Stopwatch.StartNew();
        await RunCasesAsync(http, ids, options.Cases, options.Clients, latencies, written);
        watch.Stop();
        await stopSampling.CancelAsync();
        var lagMs = (await lags).Order().ToArray();

        var commands = latencies.Values.Sum(b => b.Count);
        var rate = commands / watch.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"== {engine}: {options.Cases} lifecycles, {commands} commands in {watch.Elapsed.TotalSeconds:F1} s over HTTP (Kestrel, 127.0.0.1), {options.Clients} clients");
        Console.WriteLine($"   bare store appends, 1 event, 8 writers : {baseline,10:F0} /s   (baseline)");
        Console.WriteLine($"   HTTP lifecycle commands                 : {rate,10:F0} /s   = {100 * rate / baseline:F0}% of the baseline (target >= 50%)");
        Console.WriteLine($"   {"command",-26} {"n",6} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var (name, bag) in latencies.OrderBy(p => Order(p.Key)))
        {
            var sorted = bag.Order().ToArray();
            Console.WriteLine($"   {name,-26} {sorted.Length,6} {Percentile(sorted, 0.50),8:F2} {Percentile(sorted, 0.99),8:F2} {sorted[^1],8:F2}");
        }

        var all = latencies.Values.SelectMany(b => b).Order().ToArray();
        Console.WriteLine($"   {"all commands",-26} {all.Length,6} {Percentile(all, 0.50),8:F2} {Percentile(all, 0.99),8:F2} {all[^1],8:F2}   (target p99 < 20 ms)");
        Console.WriteLine($"   case-history projection lag, commit -> applied: p50 {Percentile(lagMs, 0.50):F1} ms, p99 {Percentile(lagMs, 0.99):F1} ms, max {lagMs[^1]:F1} ms over {lagMs.Length} commands (target p99 < 1000 ms)");
        Console.WriteLine($"   peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
    }

    private static async Task<double> BaselineAsync(IEventStore store, int appends)
    {
        const int writers = 8;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < appends / writers; i++)
            {
                await store.AppendAsync(StreamName.For("benchmark", $"{w}-{i % 50}"), ExpectedVersion.Any,
                    [new EventData(Guid.NewGuid(), "benchmark-appended.v1", """{"n":1,"text":"职称评审基准测试"}""", """{"actorId":"bench"}""")]);
            }
        })));
        return appends / watch.Elapsed.TotalSeconds;
    }

    private static async Task RunCasesAsync(HttpClient http, ResidentIds ids, int cases, int clients, ConcurrentDictionary<string, ConcurrentBag<double>> latencies, ConcurrentQueue<(long, long)>? written)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= cases)
            {
                await OneLifecycleAsync(http, ids.Next(), latencies, written);
            }
        })));
    }

    /// <summary>Submission → 3 publicities → 4 review stages → vote → approval → certificate: 14 commands, all of which must succeed.</summary>
    private static async Task OneLifecycleAsync(HttpClient http, string residentId, ConcurrentDictionary<string, ConcurrentBag<double>> latencies, ConcurrentQueue<(long, long)>? written)
    {
        Task<JsonObject> SendAsync(HttpClient h, ConcurrentDictionary<string, ConcurrentBag<double>> l, string name, string path, object body) =>
            LifecycleRun.SendAsync(h, l, name, path, body, written);

        var created = await SendAsync(http, latencies, "submit", "/api/v1/applications", Submission(residentId));
        var a = $"/api/v1/applications/{created["applicationId"]}";
        await SendAsync(http, latencies, "open publicity", $"{a}/publicities", new { stage = "Employer", start = "2026-06-01", workingDays = 5, postedAt = "单位公示栏" });
        await SendAsync(http, latencies, "close publicity", $"{a}/publicities/Employer/close", new { });
        await SendAsync(http, latencies, "pass stage", $"{a}/reviews", new { stage = "Employer", reviewer = "李四", opinion = "同意推荐" });
        await SendAsync(http, latencies, "pass stage", $"{a}/reviews", new { stage = "Department", reviewer = "王五", opinion = "同意" });
        await SendAsync(http, latencies, "open publicity", $"{a}/publicities", new { stage = "Roster", start = "2026-06-08", workingDays = 5, postedAt = "人社局网站" });
        await SendAsync(http, latencies, "close publicity", $"{a}/publicities/Roster/close", new { });
        await SendAsync(http, latencies, "pass stage", $"{a}/reviews", new { stage = "Bureau", reviewer = "赵六", opinion = "同意上报" });
        await SendAsync(http, latencies, "pass stage", $"{a}/reviews", new { stage = "CommitteeOffice", reviewer = "钱七", opinion = "符合条件" });
        await SendAsync(http, latencies, "record vote", $"{a}/vote", new { meetingDate = "2026-06-15", members = 15, present = 12, recused = 0, yes = 9, no = 2, abstain = 1, blind = true });
        await SendAsync(http, latencies, "open publicity", $"{a}/publicities", new { stage = "Result", start = "2026-06-16", workingDays = 5, postedAt = "评委会网站" });
        await SendAsync(http, latencies, "close publicity", $"{a}/publicities/Result/close", new { });
        await SendAsync(http, latencies, "approve", $"{a}/approval", new { authority = "呼和浩特市人力资源和社会保障局" });
        await SendAsync(http, latencies, "issue certificate", $"{a}/certificate", new { });
    }

    internal static async Task<JsonObject> SendAsync(HttpClient http, ConcurrentDictionary<string, ConcurrentBag<double>> latencies, string name, string path, object body, ConcurrentQueue<(long, long)>? written)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = BenchTokens.ForCommand(path, body);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        latencies.GetOrAdd(name, _ => []).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{name} {path} answered {(int)response.StatusCode}: {content}");
        }

        var answer = JsonNode.Parse(content)!.AsObject();
        written?.Enqueue(((long)answer["position"]!, Stopwatch.GetTimestamp()));
        return answer;
    }

    private static object Submission(string residentId) => new
    {
        planId = "2026-hohhot",
        applicant = new
        {
            name = "基准",
            residentId,
            gender = "Female",
            ethnicity = "汉族",
            birthDate = "1980-01-01",
            phone = "13800000000",
            education = "大学本科",
            graduatedFrom = "内蒙古大学",
            graduatedOn = "2002-07-01",
            major = "土木工程",
            currentTitle = "工程师",
            currentTitleObtainedOn = "2015-12-01",
            currentSpeciality = "结构设计",
            employmentStatus = "Employed",
        },
        series = "Engineering",
        speciality = "建筑工程",
        level = "DeputySenior",
        channel = "Review",
        committeeId = "hohhot-engineering-senior",
        employer = new { code = "91150100MA0N000000", name = "呼和浩特市某设计院", affiliation = "City", region = "呼和浩特市", department = "11150100MB1234567X" },
        preferentialPolicies = Array.Empty<int>(),
        continuingEducation = "Completed",
        materials = new[] { "学历证书", "任职资格证书" },
        integrityPledgeAccepted = true,
    };

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int Order(string command) => Array.IndexOf(["submit", "open publicity", "close publicity", "pass stage", "record vote", "approve", "issue certificate"], command);
}

/// <summary>
/// Projection lag as a user feels it: from a command's answer (its events committed) until the case-history read model
/// has applied its position. The checkpoint is polled every 5 ms, so figures carry up to 5 ms of sampling.
/// </summary>
internal static class ProjectionLag
{
    public static async Task<List<double>> SampleAsync(IEventStore store, ConcurrentQueue<(long Position, long Timestamp)> written, CancellationToken stop)
    {
        var lags = new List<double>();
        var pending = new List<(long Position, long Timestamp)>();
        while (true)
        {
            var stopping = stop.IsCancellationRequested;
            while (written.TryDequeue(out var w))
            {
                pending.Add(w);
            }

            var checkpoint = await store.ReadCheckpointAsync("projection:case-history-v2:g1");
            var now = Stopwatch.GetTimestamp();
            lags.AddRange(pending.Where(p => p.Position <= checkpoint).Select(p => Stopwatch.GetElapsedTime(p.Timestamp, now).TotalMilliseconds));
            pending.RemoveAll(p => p.Position <= checkpoint);
            if (stopping && pending.Count == 0)
            {
                return lags;
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }
}

/// <summary>Distinct valid resident IDs (GB 11643 check digit), so every case is a different person.</summary>
internal sealed class ResidentIds
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private int sequence;

    public string Next()
    {
        var n = Interlocked.Increment(ref sequence);
        var body = $"1501{n / 1000 % 100:D2}19800101{n % 1000:D3}";
        var sum = body.Select((c, i) => (c - '0') * Weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }
}

internal sealed class KestrelFactory(IReadOnlyDictionary<string, string?> settings, TimeProvider clock) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // As the service is deployed (WebApplicationFactory's default is Development, which adds the developer exception page).
        builder.UseEnvironment(Microsoft.Extensions.Hosting.Environments.Production);
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services => services.AddSingleton(clock));
    }
}
