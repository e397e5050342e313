using System.Diagnostics;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Benchmarks;

/// <summary>One timed measurement: how many operations (and events) in how long, with per-operation latencies.</summary>
public sealed record Measurement(string Name, long Operations, long Events, TimeSpan Elapsed, double P50Ms, double P99Ms, GcDelta Gc)
{
    public double OpsPerSecond => Operations / Elapsed.TotalSeconds;

    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{Name}: {Operations:N0} ops, {Events:N0} events in {Elapsed.TotalSeconds:F2} s = {OpsPerSecond:N0} ops/s, {EventsPerSecond:N0} events/s" +
        (P50Ms > 0 ? $", p50 {P50Ms:F2} ms, p99 {P99Ms:F2} ms" : string.Empty) + $"; {Gc}";
}

/// <summary>One append measurement: <paramref name="Op"/> gets (writer index, operation number).</summary>
public sealed record Case(string Name, int Operations, int Writers, int EventsPerOp, int Warmup, Func<int, int, Task> Op);

public static class Harness
{
    /// <summary>Our layer's global read: <c>ReadAllAsync</c> in batches to the end (or <paramref name="limit"/>), touching each batch so nothing is optimised away.</summary>
    internal static async Task<long> ReadAllAsync(IEventStore store, int batchSize, long limit)
    {
        long after = 0, count = 0, check = 0;
        while (count < limit)
        {
            var batch = await store.ReadAllAsync(after, batchSize).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }

            count += batch.Count;
            after = batch[^1].GlobalPosition;
            check += batch[0].Data.Length;
        }

        GC.KeepAlive(check);
        return count;
    }

    /// <summary>
    /// Runs <paramref name="warmup"/> untimed operations, then <paramref name="operations"/> timed ones spread over
    /// <paramref name="writers"/> concurrent loops that take the next operation number from a shared counter.
    /// <paramref name="op"/> gets (writer index, operation number).
    /// </summary>
    public static async Task<Measurement> RunAsync(string name, int operations, int writers, int eventsPerOp, int warmup, Func<int, int, Task> op)
    {
        if (warmup > 0)
        {
            await RunLoopsAsync(warmup, writers, op, latencies: null).ConfigureAwait(false);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var latencies = new double[operations];
        var gc = GcDelta.Start();
        var watch = Stopwatch.StartNew();
        await RunLoopsAsync(operations, writers, op, latencies).ConfigureAwait(false);
        watch.Stop();
        Array.Sort(latencies);
        var m = new Measurement(name, operations, (long)operations * eventsPerOp, watch.Elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99), gc.Stop());
        Console.Error.WriteLine($"  {m}");
        return m;
    }

    /// <summary>
    /// Runs every case <paramref name="rounds"/> times, interleaved (a, b, a, b, ...) so drift on the machine hits
    /// all cases alike; the warm-up runs in the first round only. Returns each case's median round by throughput.
    /// </summary>
    public static async Task<Measurement[]> RoundsAsync(int rounds, IReadOnlyList<Case> cases, Func<Task>? beforeEach = null)
    {
        var runs = cases.Select(_ => new List<Measurement>()).ToArray();
        for (var round = 1; round <= rounds; round++)
        {
            for (var k = 0; k < cases.Count; k++)
            {
                if (beforeEach is not null)
                {
                    await beforeEach().ConfigureAwait(false);
                }

                var c = cases[k];
                runs[k].Add(await RunAsync($"{c.Name} (round {round})", c.Operations, c.Writers, c.EventsPerOp, round == 1 ? c.Warmup : 0, c.Op).ConfigureAwait(false));
            }
        }

        return runs.Select(Median).ToArray();
    }

    /// <summary>Runs each read <paramref name="rounds"/> times, interleaved; returns each one's median round.</summary>
    public static async Task<Measurement[]> ReadRoundsAsync(int rounds, IReadOnlyList<(string Name, Func<Task<long>> Read)> reads)
    {
        var runs = reads.Select(_ => new List<Measurement>()).ToArray();
        for (var round = 1; round <= rounds; round++)
        {
            for (var k = 0; k < reads.Count; k++)
            {
                runs[k].Add(await TimeReadAsync($"{reads[k].Name} (round {round})", reads[k].Read).ConfigureAwait(false));
            }
        }

        return runs.Select(Median).ToArray();
    }

    public static Measurement Median(IReadOnlyList<Measurement> runs) =>
        runs.OrderBy(m => m.EventsPerSecond).ElementAt(runs.Count / 2) with { Name = runs[0].Name.Split(" (round")[0] };

    /// <summary>Times one pass of <paramref name="read"/>, which returns the number of events it read.</summary>
    public static async Task<Measurement> TimeReadAsync(string name, Func<Task<long>> read)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var gc = GcDelta.Start();
        var watch = Stopwatch.StartNew();
        var events = await read().ConfigureAwait(false);
        watch.Stop();
        var m = new Measurement(name, 1, events, watch.Elapsed, 0, 0, gc.Stop());
        Console.Error.WriteLine($"  {m}");
        return m;
    }

    private static async Task RunLoopsAsync(int operations, int writers, Func<int, int, Task> op, double[]? latencies)
    {
        var next = -1;
        var loops = new Task[writers];
        for (var w = 0; w < writers; w++)
        {
            var writer = w;
            loops[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < operations)
                {
                    var start = Stopwatch.GetTimestamp();
                    await op(writer, i).ConfigureAwait(false);
                    if (latencies is not null)
                    {
                        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    }
                }
            });
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>Garbage collections, GC pause time, allocations and process CPU time during one measurement.</summary>
public sealed record GcDelta(int Gen0, int Gen1, int Gen2, TimeSpan Pause, long AllocatedBytes, TimeSpan Cpu, TimeSpan MachineBusy, TimeSpan PostgresCpu)
{
    public static GcDelta Start() => Now();

    public GcDelta Stop()
    {
        var now = Now();
        return new GcDelta(now.Gen0 - Gen0, now.Gen1 - Gen1, now.Gen2 - Gen2, now.Pause - Pause, now.AllocatedBytes - AllocatedBytes, now.Cpu - Cpu, now.MachineBusy - MachineBusy, now.PostgresCpu - PostgresCpu);
    }

    public override string ToString() =>
        $"GC gen0/1/2 {Gen0}/{Gen1}/{Gen2}, pause {Pause.TotalMilliseconds:N0} ms, alloc {AllocatedBytes / (1024.0 * 1024):N0} MiB, client CPU {Cpu.TotalSeconds:F2} s, postgres CPU {PostgresCpu.TotalSeconds:F2} s, machine CPU busy {MachineBusy.TotalSeconds:F2} s";

    private static GcDelta Now()
    {
        using var self = Process.GetCurrentProcess();
        return new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: false), self.TotalProcessorTime, MachineBusyTime(), PostgresCpuTime());
    }

    /// <summary>User + system CPU of every live process named postgres (server and backends), from /proc/PID/stat.</summary>
    private static TimeSpan PostgresCpuTime()
    {
        long ticks = 0;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var name = Path.GetFileName(dir);
                if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
                {
                    continue;
                }

                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var close = stat.LastIndexOf(')');
                    if (close < 0 || !stat.AsSpan(0, close).EndsWith("(postgres", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // Fields after "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
                    var fields = stat[(close + 2)..].Split(' ');
                    ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>CPU time all cores spent busy (not idle, not I/O wait) since boot, from /proc/stat; zero elsewhere.</summary>
    private static TimeSpan MachineBusyTime()
    {
        try
        {
            var first = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ticks = first.Skip(1).Take(8).Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var busy = ticks.Sum() - ticks[3] - ticks[4];
            return TimeSpan.FromSeconds(busy / 100.0);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }
}
