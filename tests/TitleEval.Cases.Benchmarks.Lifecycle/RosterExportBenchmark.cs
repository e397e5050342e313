using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Rosters;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;

/// <summary>
/// The roster export over HTTP (issue 4: XLSX of 5,000 rows, p99 &lt; 1 s with 8 clients), per engine: the roster read
/// model is filled with synthetic rows written straight into its table (seeding 5,000 cases through the command path
/// takes minutes here), then the same roster is fetched as CSV (the baseline: the same query and rows, the cheapest
/// format) and as XLSX, by one client and by N concurrent clients.
/// Usage: -- --roster-export [--engine sqlite|messagedb|all] [--pg CS] [--rows N] [--clients N] [--requests N]
/// </summary>
internal static class RosterExportBenchmark
{
    public static async Task MainAsync(string[] args, Options options)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        var rows = int.Parse(Value("--rows", "5000"), CultureInfo.InvariantCulture);
        var requests = int.Parse(Value("--requests", "80"), CultureInfo.InvariantCulture);
        Console.WriteLine($"TitleEval.Cases roster export benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"rows {rows}, clients {options.Clients}, {requests} concurrent requests per format, engines {string.Join(", ", options.Engines)}");
        foreach (var engine in options.Engines)
        {
            await RunAsync(engine, options, rows, requests);
        }
    }

    private static async Task RunAsync(string engine, Options options, int rows, int requests)
    {
        // First every request renders its file (Rosters:ExportCacheEntries = 0), then with the export cache on: the roster
        // does not change during the run, so its file is rendered once and served to every later request.
        var results = new List<(string Name, double Single, double P50, double P99)>();
        foreach (var cached in new[] { false, true })
        {
            var settings = new Dictionary<string, string?> { ["Rosters:ExportCacheEntries"] = cached ? "16" : "0" };
            await using var bench = await BenchHost.StartAsync(engine, options, new TestClock(TestClock.NoonCst(new DateOnly(2026, 6, 15))), settings);
            var services = bench.Services;
            var store = services.GetRequiredService<IEventStore>();
            var host = services.GetRequiredService<ProjectionHost>();
            var tables = await host.ActiveTablesAsync(host.Find(new RosterProjection().Name)!, CancellationToken.None);
            await FillAsync(store, tables[RosterProjection.Table], rows);

            const string query = "/api/v1/rosters?committee=bench&planYear=2026";
            foreach (var format in new[] { "csv", "xlsx" })
            {
                var path = $"{query}&format={format}";
                await MeasureAsync(bench.Http, path, 3, 1); // warm-up
                var single = await MeasureAsync(bench.Http, path, 15, 1);
                var concurrent = await MeasureAsync(bench.Http, path, requests, options.Clients);
                results.Add((cached ? $"{format} cached" : format, Percentile(single, 0.5), Percentile(concurrent, 0.5), Percentile(concurrent, 0.99)));
            }
        }

        var (_, baseSingle, baseP50, baseP99) = results[0];
        Console.WriteLine();
        Console.WriteLine($"== {engine}: roster of {rows} rows");
        Console.WriteLine($"   {"format",-12} {"1 client median ms",20} {$"{options.Clients} clients p50 ms",18} {$"{options.Clients} clients p99 ms",18}  ratio to csv (median / p50 / p99)");
        foreach (var (name, single, p50, p99) in results)
        {
            Console.WriteLine($"   {name,-12} {single,20:F1} {p50,18:F1} {p99,18:F1}  {single / baseSingle:F2} / {p50 / baseP50:F2} / {p99 / baseP99:F2}");
        }

        Console.WriteLine($"   xlsx p99 target < 1000 ms with {options.Clients} clients: rendered each time {(results[1].P99 < 1000 ? "met" : "MISSED")}, cached {(results[3].P99 < 1000 ? "met" : "MISSED")}");
    }

    /// <summary>Rows shaped like the seeder's, Chinese names and employers included, all on one committee's roster.</summary>
    private static async Task FillAsync(IEventStore store, string table, int rows)
    {
        await using var connection = await store.OpenReadModelConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        string[] levels = ["FullSenior", "DeputySenior", "Intermediate", "Assistant"];
        string[] affiliations = ["Region", "City", "County", "Township"];
        for (var i = 0; i < rows; i++)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT INTO {table} (application_id, committee_id, plan_year, region, series, speciality, level, status, stage, affiliation,
                    employer_name, name, gender, ethnicity, birth_month, education, graduated, major, current_title, current_speciality,
                    continuing_education, resident_id_masked, phone_masked, preferential_policies, submitted_on, version)
                VALUES (@id, 'bench', 2026, '呼和浩特市', 'Engineering', '建筑工程', @level, 'InReview', 'Employer', @affiliation,
                    @employer, @name, '男', '汉族', '1987/09', '大学本科', '内蒙古工业大学 2009/07', '土木工程', '工程师 2016/12', '建筑工程',
                    '已完成', '110105********002X', '138****0000', '无', '2026-06-15', 1)
                """;
            insert.WithParameter("@id", new Guid(i, 0, 0, new byte[8]).ToString("D"));
            insert.WithParameter("@level", levels[i % levels.Length]);
            insert.WithParameter("@affiliation", affiliations[(i / 4) % affiliations.Length]);
            insert.WithParameter("@employer", $"呼和浩特市第{i % 97}建筑设计院");
            insert.WithParameter("@name", $"申报人{i:00000}");
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static async Task<double[]> MeasureAsync(HttpClient http, string path, int count, int clients)
    {
        var latencies = new ConcurrentBag<double>();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path);
                var content = await response.Content.ReadAsByteArrayAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode || content.Length < 1000)
                {
                    throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} with {content.Length} bytes");
                }
            }
        })));
        return latencies.Order().ToArray();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
