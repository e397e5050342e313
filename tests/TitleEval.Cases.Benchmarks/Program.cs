using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using TitleEval.Cases.Benchmarks;

// Throughput of our event-store layer against each engine's raw limit for the same work, in one run.
// Progress goes to stderr; the results table goes to stdout. Usage: see BenchOptions.Usage or ./bench.sh.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

// Eight writers that block (SQLite's raw lock) must not wait for thread-pool injection.
ThreadPool.SetMinThreads(Math.Max(32, options.Writers * 4), Math.Max(32, options.Writers * 4));

if (options.Diagnose is not null)
{
    Console.Error.WriteLine($"diagnostics {options.Diagnose}: {options.Describe()}");
    await new Diagnostics(options, new Payloads()).RunAsync();
    return 0;
}

var started = DateTimeOffset.Now;
var payloads = new Payloads();
var report = new Report();
var total = Stopwatch.StartNew();
Console.Error.WriteLine($"TitleEval.Cases event-store benchmark: {options.Describe()}");

if (options.Sqlite)
{
    var dir = options.Directory ?? Path.Combine(Path.GetTempPath(), $"titleeval-bench-{Environment.ProcessId}");
    try
    {
        await new SqliteBench(options, payloads, report, dir).RunAsync();
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!options.Keep && options.Directory is null && Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

if (options.MessageDb)
{
    await new MessageDbBench(options, payloads, report).RunAsync();
}

report.Note(string.Create(CultureInfo.InvariantCulture, $"events: data avg {payloads.AverageDataBytes:F0} B of JSON with Chinese text, metadata avg {payloads.AverageMetadataBytes:F0} B (UTF-8); appends pick a stream at random from a pool of {options.Streams:N0}, ExpectedVersion.Any; {options.Warmup} untimed warm-up appends ({Math.Max(10, options.Warmup / options.BatchSize)} for batches) before a measurement's first round; every figure is the median of {options.Rounds} rounds run interleaved with the raw baseline; reads run after one untimed full pass."));
report.Note("ratio = ours / raw of the same shape; the target is 80%. Rows marked info are not a target: they show what Message DB alone allows without our store-wide lock (no-skip guarantee).");

using var self = Process.GetCurrentProcess();
self.Refresh();
var cpu = CpuModel();
var header = new List<string>
{
    $"# TitleEval.Cases event-store throughput — {started:yyyy-MM-dd HH:mm:ss zzz}",
    string.Empty,
    $"- machine: {Environment.ProcessorCount} cores ({cpu}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F0} GiB, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
    $"- runtime: {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {(IsRelease() ? "Release" : "Debug")} build",
    $"- command: dotnet run -c Release --project tests/TitleEval.Cases.Benchmarks -- {string.Join(' ', args.Select(a => a.StartsWith("Host=", StringComparison.Ordinal) ? $"\"{a}\"" : a))}",
    $"- sizes: {options.Describe()}",
    $"- total run time {total.Elapsed.TotalMinutes:F1} min; peak working set {self.PeakWorkingSet64 / (1024.0 * 1024):N0} MiB (Process.PeakWorkingSet64)",
};
Console.WriteLine(report.Render(header));
return 0;

static string CpuModel()
{
    try
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
    catch (IOException)
    {
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}

static bool IsRelease()
{
    var attribute = typeof(Payloads).Assembly.GetCustomAttributes(false).OfType<DebuggableAttribute>().FirstOrDefault();
    return attribute is null || !attribute.IsJITOptimizerDisabled;
}
