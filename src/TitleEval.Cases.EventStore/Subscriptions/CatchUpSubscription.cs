namespace TitleEval.Cases.EventStore.Subscriptions;

/// <summary>
/// A named subscription over the global order: catches up from its stored checkpoint, then follows new events,
/// each batch applied through <see cref="IEventStore.ApplyNextBatchAsync"/> so the subscriber's rows and the
/// checkpoint commit together. A failing batch is retried from the checkpoint after a pause; it never advances
/// past an event it could not apply.
/// </summary>
public sealed class CatchUpSubscription(IEventStore store, string name, SubscriptionBatchHandler handler, CatchUpSubscriptionOptions? options = null)
{
    private readonly CatchUpSubscriptionOptions options = options ?? new CatchUpSubscriptionOptions();

    public string Name { get; } = name;

    /// <summary>Raised with each failure before the retry; the host logs it.</summary>
    public event Action<Exception>? Failed;

    /// <summary>Applies batches until nothing is left; returns the number of events applied.</summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        long applied = 0;
        int count;
        while ((count = await store.ApplyNextBatchAsync(Name, options.BatchSize, handler, cancellationToken).ConfigureAwait(false)) > 0)
        {
            applied += count;
        }

        return applied;
    }

    /// <summary>Catches up, then follows new events until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await CatchUpAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                await store.WaitForNewEventsAsync(options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Failed?.Invoke(ex);
                failures++;
                var pause = TimeSpan.FromMilliseconds(Math.Min(options.MaxRetryDelay.TotalMilliseconds, 50 * Math.Pow(2, Math.Min(failures, 10))));
                try
                {
                    await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

public sealed class CatchUpSubscriptionOptions
{
    public int BatchSize { get; init; } = 500;

    /// <summary>How long to wait for an in-process append before looking for appends by other processes.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);
}
