using Microsoft.Extensions.Options;
using TitleEval.Cases.Api.Store;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Projections;

/// <summary>Configuration section <c>Projections</c>.</summary>
public sealed class ProjectionOptions
{
    public const string SectionName = "Projections";

    public int BatchSize { get; set; } = 1000;

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

    public IReadOnlyList<IProjection> Projections { get; } = projections.ToArray();

    public IProjection? Find(string name) => Projections.FirstOrDefault(p => p.Name == name);

    /// <summary>The tables queries read now: those of the active generation.</summary>
    public async Task<ProjectionTables> ActiveTablesAsync(IProjection projection, CancellationToken cancellationToken)
    {
        var generation = await generations.ReadAsync(projection.Name, cancellationToken) ?? await generations.EnsureAsync(projection, cancellationToken);
        return new ProjectionTables(store, generation.Active);
    }

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
            worked |= await RunOnceAsync(projection, cancellationToken);
        }

        return worked;
    }

    private async Task<bool> RunOnceAsync(IProjection projection, CancellationToken cancellationToken)
    {
        // Tables and the generation row are made once; after that only the row is read, to see a rebuild requested
        // by another process (whose tables that process created).
        var generation = ensured.ContainsKey(projection.Name) && await generations.ReadAsync(projection.Name, cancellationToken) is { } known
            ? known
            : await generations.EnsureAsync(projection, cancellationToken);
        ensured[projection.Name] = true;
        var worked = await ApplyAsync(projection, generation.Active, cancellationToken) > 0;
        if (generation.Building is { } building)
        {
            var applied = await ApplyAsync(projection, building, cancellationToken);
            worked |= applied > 0;
            if (applied == 0 && await generations.SwitchAsync(projection, building, cancellationToken))
            {
                LogRebuilt(projection.Name, building);
            }
        }

        return worked;
    }

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
    /// One loop per projection: a slow one (a rebuild, a heavy read model) does not hold the others back, and on
    /// PostgreSQL their batches run side by side. On SQLite they take turns at the single writer.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Projections.Select(projection => FollowAsync(projection, stoppingToken)));

    private async Task FollowAsync(IProjection projection, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!storeStatus.IsInitialized || !await RunOnceAsync(projection, stoppingToken))
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
                LogFailed(exception, projection.Name);
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
                (events, transaction, ct) => projection.ApplyAsync(events, new ProjectionBatch(transaction, tables), ct),
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
