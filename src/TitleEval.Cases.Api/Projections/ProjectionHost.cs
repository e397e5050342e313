using Microsoft.Extensions.Options;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Store;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Projections;

/// <summary>Configuration section <c>Projections</c>.</summary>
public sealed class ProjectionOptions
{
    public const string SectionName = "Projections";

    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// Events per transaction while generations are rebuilt: nothing reads them yet, so large transactions cost no
    /// latency, and they spread the per-batch costs (checkpoints, commit) thinly.
    /// </summary>
    public int RebuildBatchSize { get; set; } = 10_000;

    /// <summary>How long to wait for appends by other processes before looking again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a query with <c>?after=</c> waits for its projection (read-your-writes) before answering 503.</summary>
    public TimeSpan ReadYourWritesTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary><c>/health/ready</c> turns unhealthy when a projection lags the log by more than this.</summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A projection's position against the log, for <c>/health/ready</c> and the admin endpoint.</summary>
public sealed record ProjectionStatus(string Name, int Generation, int? RebuildingGeneration, long Checkpoint, long LagEvents, double LagSeconds);

/// <summary>
/// Runs every registered <see cref="IProjection"/>: its active generation follows the log; a generation being rebuilt
/// catches up beside it and, once it has, becomes the active one. Each batch commits its rows with its checkpoint.
/// </summary>
public sealed partial class ProjectionHost(
    IEventStore store,
    IEnumerable<IProjection> projections,
    ProjectionGenerations generations,
    EventStoreStatus storeStatus,
    TimeProvider time,
    IOptions<ProjectionOptions> options,
    ILogger<ProjectionHost> logger) : BackgroundService
{
    /// <summary>The most batches one projection applies before the host turns to the next, so a rebuild does not starve the others.</summary>
    private const int BatchesPerTurn = 20;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> ensured = new();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> rebuildTicks = new();

    private readonly SemaphoreSlim rebuildGate = new(1, 1);

    /// <summary>
    /// Where rebuild time went since the process started, by section (the log read with checkpoints and commit,
    /// parsing, each projection's own work, sending queued writes, building indexes at the switch): the benchmark prints it.
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan> RebuildSections =>
        rebuildTicks.ToDictionary(p => p.Key, p => System.Diagnostics.Stopwatch.GetElapsedTime(0, p.Value));

    private long batchesReadAhead;

    /// <summary>Rebuild batches whose events were read, parsed and prepared while the previous batch was written.</summary>
    public long RebuildBatchesReadAhead => Interlocked.Read(ref batchesReadAhead);

    private void Count(string section, long ticks) => rebuildTicks.AddOrUpdate(section, ticks, (_, sum) => sum + ticks);

    public IReadOnlyList<IProjection> Projections { get; } = projections.ToArray();

    public IProjection? Find(string name) => Projections.FirstOrDefault(p => p.Name == name);

    /// <summary>The tables queries read now: those of the active generation.</summary>
    public async Task<ProjectionTables> ActiveTablesAsync(IProjection projection, CancellationToken cancellationToken) =>
        new(store, await ActiveGenerationAsync(projection, cancellationToken));

    /// <summary>The active generation and how far it has applied the log: what a query's result depends on.</summary>
    public async Task<(int Generation, long Checkpoint)> ActiveCheckpointAsync(IProjection projection, CancellationToken cancellationToken)
    {
        var active = await ActiveGenerationAsync(projection, cancellationToken);
        return (active, await store.ReadCheckpointAsync(ProjectionGeneration.Subscription(projection.Name, active), cancellationToken));
    }

    private async Task<int> ActiveGenerationAsync(IProjection projection, CancellationToken cancellationToken) =>
        (await generations.ReadAsync(projection.Name, cancellationToken) ?? await generations.EnsureAsync(projection, cancellationToken)).Active;

    /// <summary>Read-your-writes: waits until the projection has applied <paramref name="position"/>; false after the configured timeout.</summary>
    public async Task<bool> WaitForAsync(IProjection projection, long position, CancellationToken cancellationToken)
    {
        // Elapsed time, not the business clock: a timeout must run out even when the date is held still.
        var started = time.GetTimestamp();
        while (true)
        {
            var generation = await generations.ReadAsync(projection.Name, cancellationToken);
            if (generation is not null && await store.ReadCheckpointAsync(ProjectionGeneration.Subscription(projection.Name, generation.Active), cancellationToken) >= position)
            {
                return true;
            }

            if (time.GetElapsedTime(started) >= options.Value.ReadYourWritesTimeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<ProjectionStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        var head = await store.ReadHeadPositionAsync(cancellationToken);
        var statuses = new List<ProjectionStatus>();
        foreach (var projection in Projections)
        {
            var generation = await generations.ReadAsync(projection.Name, cancellationToken) ?? new ProjectionGeneration(projection.Name, 1, null);
            var checkpoint = await store.ReadCheckpointAsync(ProjectionGeneration.Subscription(projection.Name, generation.Active), cancellationToken);
            var lagSeconds = 0.0;
            if (checkpoint < head && (await store.ReadAllAsync(checkpoint, 1, cancellationToken)) is [var next])
            {
                lagSeconds = Math.Max(0, (time.GetUtcNow() - next.RecordedAt).TotalSeconds);
            }

            statuses.Add(new ProjectionStatus(projection.Name, generation.Active, generation.Building, checkpoint, head - checkpoint, Math.Round(lagSeconds, 3)));
        }

        return statuses;
    }

    /// <summary>One pass over every projection; true when any batch was applied. Tests and the rebuild command call it.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var worked = false;
        foreach (var projection in Projections)
        {
            worked |= await RunActiveAsync(projection, cancellationToken);
        }

        worked |= await RebuildOnceAsync(cancellationToken);
        return worked;
    }

    private async Task<ProjectionGeneration> GenerationAsync(IProjection projection, CancellationToken cancellationToken)
    {
        // Tables and the generation row are made once; after that only the row is read, to see a rebuild requested
        // by another process (whose tables that process created).
        var generation = ensured.ContainsKey(projection.Name) && await generations.ReadAsync(projection.Name, cancellationToken) is { } known
            ? known
            : await generations.EnsureAsync(projection, cancellationToken);
        ensured[projection.Name] = true;
        return generation;
    }

    private async Task<bool> RunActiveAsync(IProjection projection, CancellationToken cancellationToken)
    {
        var generation = await GenerationAsync(projection, cancellationToken);
        return await ApplyAsync(projection, generation.Active, cancellationToken) > 0;
    }

    /// <summary>
    /// Every generation being rebuilt, fed from one read of the log: each batch of <see cref="ProjectionOptions.RebuildBatchSize"/>
    /// events is read once, parsed once and applied by all of them in one transaction with all their checkpoints.
    /// A generation that has caught up serves queries from then on.
    /// </summary>
    private async Task<bool> RebuildOnceAsync(CancellationToken cancellationToken)
    {
        // The background loop and a caller of CatchUpAsync would only queue behind each other on the checkpoints.
        await rebuildGate.WaitAsync(cancellationToken);
        try
        {
            return await RebuildTurnAsync(cancellationToken);
        }
        finally
        {
            rebuildGate.Release();
        }
    }

    private async Task<bool> RebuildTurnAsync(CancellationToken cancellationToken)
    {
        var building = new List<(IProjection Projection, int Generation)>();
        foreach (var projection in Projections)
        {
            if ((await GenerationAsync(projection, cancellationToken)).Building is { } generation)
            {
                building.Add((projection, generation));
            }
        }

        if (building.Count == 0)
        {
            return false;
        }

        var subscriptions = building.Select(b => ProjectionGeneration.Subscription(b.Projection.Name, b.Generation)).ToArray();
        var tables = building.Select(b => new ProjectionTables(store, b.Generation)).ToArray();
        var total = 0;
        var projectionsBuilding = building.Select(b => b.Projection).ToArray();
        for (var turn = 0; turn < BatchesPerTurn; turn++)
        {
            var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
            var ahead = await TakeReadAheadAsync();

            // Read for another set of generations (a rebuild started or finished since): its prepared work does not fit.
            if (ahead is not null && !ahead.Projections.SequenceEqual(projectionsBuilding))
            {
                ahead = null;
            }

            Count("wait for the read ahead", System.Diagnostics.Stopwatch.GetTimestamp() - waiting);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var handled = 0L;
            var applied = await store.ApplyNextBatchAsync(
                subscriptions,
                options.Value.RebuildBatchSize,
                async (events, checkpoints, transaction, ct) =>
                {
                    var handlerStarted = System.Diagnostics.Stopwatch.GetTimestamp();

                    // The next batch is read and parsed on the other core while this one is written.
                    readAhead = Task.Run(() => ReadAheadAsync(events[^1].GlobalPosition, projectionsBuilding, ct), ct);
                    await using var writer = new ProjectionWriter(transaction) { Rebuilding = true };
                    var readAheadBatch = ahead is not null && ReferenceEquals(ahead.Events.Events, events) ? ahead : null;
                    if (readAheadBatch is not null)
                    {
                        writer.Adopt(readAheadBatch.Parsed, readAheadBatch.Metadata);
                        Interlocked.Increment(ref batchesReadAhead);
                    }

                    for (var i = 0; i < building.Count; i++)
                    {
                        var after = checkpoints[i];
                        var mine = after < events[0].GlobalPosition ? events : events.Where(e => e.GlobalPosition > after).ToArray();
                        if (mine.Count > 0)
                        {
                            var projectionStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                            var parsedBefore = writer.ParseTicks;
                            var flushedBefore = writer.FlushTicks;
                            var copiedBefore = writer.CopyTicks;
                            await building[i].Projection.ApplyAsync(mine, new ProjectionBatch(writer, tables[i]) { PreparedEvents = readAheadBatch?.Prepared[i] }, ct);
                            Count(
                                $"apply {building[i].Projection.Name}",
                                System.Diagnostics.Stopwatch.GetTimestamp() - projectionStarted - (writer.ParseTicks - parsedBefore) - (writer.FlushTicks - flushedBefore)
                                    - (writer.CopyTicks - copiedBefore));
                        }
                    }

                    await writer.FlushAsync(ct);
                    Count("parse events", writer.ParseTicks);
                    Count("send queued writes", writer.FlushTicks);
                    if (writer.CopiedRows > 0)
                    {
                        Count("copy appended rows (PostgreSQL)", writer.CopyTicks);
                    }

                    handled = System.Diagnostics.Stopwatch.GetTimestamp() - handlerStarted;
                },
                cancellationToken,
                ahead?.Events);
            Count("read log + checkpoints + commit", System.Diagnostics.Stopwatch.GetTimestamp() - started - handled);
            if (applied == 0)
            {
                var switching = System.Diagnostics.Stopwatch.GetTimestamp();
                foreach (var (projection, generation) in building)
                {
                    if (await generations.SwitchAsync(projection, generation, cancellationToken))
                    {
                        LogRebuilt(projection.Name, generation);
                    }
                }

                Count("switch (build deferred indexes)", System.Diagnostics.Stopwatch.GetTimestamp() - switching);
                break;
            }

            total += applied;
        }

        return total > 0;
    }

    /// <summary>The next rebuild batch, being read and prepared while the current one is written; kept from one turn to the next (under the rebuild gate).</summary>
    private Task<ParsedBatch?>? readAhead;

    /// <summary>The batch read ahead, if any; a read cancelled with an earlier caller's token is simply not used.</summary>
    private async Task<ParsedBatch?> TakeReadAheadAsync()
    {
        var pending = readAhead;
        readAhead = null;
        try
        {
            return pending is null ? null : await pending;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private sealed record ParsedBatch(
        IReadOnlyList<IProjection> Projections, ReadAhead Events, Dictionary<RecordedEvent, object> Parsed, Dictionary<RecordedEvent, EventMetadata?> Metadata,
        Dictionary<RecordedEvent, object>?[] Prepared);

    /// <summary>
    /// The batch after <paramref name="after"/>, read and parsed ahead, with each projection's prepared work; null when
    /// the read fails (the batch is then read as usual, and its failure, if any, is met there). An event or metadata
    /// that does not parse, or an event a preparer fails on, is left for the projection to meet, as it would without
    /// the read ahead.
    /// </summary>
    private async Task<ParsedBatch?> ReadAheadAsync(long after, IReadOnlyList<IProjection> projections, CancellationToken cancellationToken)
    {
        try
        {
            var events = await store.ReadAllAsync(after, options.Value.RebuildBatchSize, cancellationToken);
            var parsed = new Dictionary<RecordedEvent, object>(events.Count, ReferenceEqualityComparer.Instance);
            var metadata = new Dictionary<RecordedEvent, EventMetadata?>(events.Count, ReferenceEqualityComparer.Instance);
            foreach (var e in events)
            {
                try
                {
                    parsed[e] = EventSerialization.Deserialize(e);
                }
                catch (Exception exception) when (Unparsable(exception))
                {
                }

                try
                {
                    metadata[e] = EventSerialization.Metadata(e);
                }
                catch (Exception exception) when (Unparsable(exception))
                {
                }
            }

            var prepared = new Dictionary<RecordedEvent, object>?[projections.Count];
            for (var i = 0; i < projections.Count; i++)
            {
                if (projections[i].NewPreparer() is not { } prepare)
                {
                    continue;
                }

                var results = prepared[i] = new Dictionary<RecordedEvent, object>(events.Count, ReferenceEqualityComparer.Instance);
                foreach (var e in events)
                {
                    try
                    {
                        results[e] = prepare(e);
                    }
                    catch (Exception exception) when (Unparsable(exception))
                    {
                    }
                }
            }

            return new ParsedBatch(projections, new ReadAhead(after, events), parsed, metadata, prepared);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    private static bool Unparsable(Exception exception) =>
        exception is System.Text.Json.JsonException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException;

    /// <summary>Runs until every projection has caught up with the log (for tests and the rebuild command).</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        while (await RunOnceAsync(cancellationToken))
        {
        }
    }

    /// <summary>
    /// Every projection's generation row and tables exist before the server takes requests, so a query never meets a
    /// missing table. (Hosted services start in order: the store's initializer has run.) When the store is not reachable
    /// yet, the loop below makes them once it is.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (storeStatus.IsInitialized)
        {
            foreach (var projection in Projections)
            {
                await generations.EnsureAsync(projection, cancellationToken);
                ensured[projection.Name] = true;
            }
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// One loop per projection's active generation: a slow one (a heavy read model) does not hold the others back, and
    /// on PostgreSQL their batches run side by side. On SQLite they take turns at the single writer. One more loop
    /// rebuilds every generation being rebuilt, from one read of the log.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Projections.Select(projection => FollowAsync(projection.Name, ct => RunActiveAsync(projection, ct), stoppingToken))
            .Append(FollowAsync("rebuild", RebuildOnceAsync, stoppingToken)));

    private async Task FollowAsync(string name, Func<CancellationToken, Task<bool>> runOnce, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!storeStatus.IsInitialized || !await runOnce(stoppingToken))
                {
                    await store.WaitForNewEventsAsync(options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Nothing of the failed batch was kept: it is applied again from its checkpoint.
                LogFailed(exception, name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<int> ApplyAsync(IProjection projection, int generation, CancellationToken cancellationToken)
    {
        var tables = new ProjectionTables(store, generation);
        var subscription = ProjectionGeneration.Subscription(projection.Name, generation);
        var total = 0;
        for (var turn = 0; turn < BatchesPerTurn; turn++)
        {
            var applied = await store.ApplyNextBatchAsync(
                subscription,
                options.Value.BatchSize,
                async (events, transaction, ct) =>
                {
                    await using var writer = new ProjectionWriter(transaction);
                    await projection.ApplyAsync(events, new ProjectionBatch(writer, tables), ct);
                    await writer.FlushAsync(ct);
                },
                cancellationToken);
            if (applied == 0)
            {
                break;
            }

            total += applied;
        }

        return total;
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Projection {Projection} rebuilt: generation {Generation} caught up and now serves queries")]
    private partial void LogRebuilt(string projection, int generation);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "A batch of projection {Projection} failed; it is applied again from its checkpoint")]
    private partial void LogFailed(Exception exception, string projection);
}
