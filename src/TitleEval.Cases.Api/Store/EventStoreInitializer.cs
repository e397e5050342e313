using Microsoft.Extensions.Options;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Store;

/// <summary>
/// Creates and initializes the event store when the host starts, before the server accepts requests.
/// <list type="bullet">
/// <item>Success: the store is marked initialized and <c>/health/ready</c> can answer 200.</item>
/// <item>A store server that cannot be reached (<see cref="EventStoreUnavailableException"/> from the MessageDb engine:
/// PostgreSQL down, closed port, connect timeout) is a transient state: the failure is logged, the host starts anyway
/// (<c>/health/live</c> 200, <c>/health/ready</c> 503) and initialization is retried in the background with a growing
/// delay until it succeeds.</item>
/// <item>Anything else is a broken store (bad SQLite path or file, Message DB not installed, a bad setting): it is logged
/// as critical and rethrown, so the host does not start. The embedded SQLite store is never retried: when its file
/// cannot be opened, waiting does not help. A non-transient failure during background retries stops the application.</item>
/// </list>
/// </summary>
public sealed partial class EventStoreInitializer(
    IServiceProvider services,
    IOptions<EventStoreOptions> options,
    EventStoreStatus status,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<EventStoreInitializer> logger) : IHostedService
{
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    // No timer and no linked tokens: nothing to dispose.
    private readonly CancellationTokenSource stopping = new();
    private Task retries = Task.CompletedTask;

    private EventStoreEngine Engine => options.Value.Engine;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Resolved here, not injected, so that a store that cannot even be created is logged like any broken store.
            var store = services.GetRequiredService<IEventStore>();
            await store.InitializeAsync(cancellationToken);
            status.MarkInitialized();
            LogInitialized(Engine);
        }
        catch (EventStoreUnavailableException exception) when (Engine == EventStoreEngine.MessageDb)
        {
            LogUnreachableAtStart(exception, Engine, FirstRetryDelay.TotalSeconds);
            retries = RetryUntilInitializedAsync(stopping.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogBroken(exception, Engine);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Also called after a failed start, when there is nothing to stop.
        if (retries.IsCompleted)
        {
            return;
        }

        await stopping.CancelAsync();
        await retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RetryUntilInitializedAsync(CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IEventStore>();
        var delay = FirstRetryDelay;
        for (var attempt = 2; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(delay, timeProvider, cancellationToken);
                await store.InitializeAsync(cancellationToken);
                status.MarkInitialized();
                LogInitializedAfterRetries(Engine, attempt);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (EventStoreUnavailableException exception)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                LogStillUnreachable(exception, Engine, attempt, delay.TotalSeconds);
            }
            catch (Exception exception)
            {
                LogBroken(exception, Engine);
                lifetime.StopApplication();
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Event store {Engine} initialized")]
    private partial void LogInitialized(EventStoreEngine engine);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error,
        Message = "Event store {Engine} is unreachable at startup; the service runs but /health/ready answers 503 until it is initialized (next try in {RetrySeconds} s)")]
    private partial void LogUnreachableAtStart(Exception exception, EventStoreEngine engine, double retrySeconds);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Event store {Engine} still unreachable after attempt {Attempt}; next try in {RetrySeconds} s")]
    private partial void LogStillUnreachable(Exception exception, EventStoreEngine engine, int attempt, double retrySeconds);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Event store {Engine} initialized at attempt {Attempt}")]
    private partial void LogInitializedAfterRetries(EventStoreEngine engine, int attempt);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Critical,
        Message = "Event store {Engine} could not be initialized; the service stops. Check configuration section EventStore and the store itself")]
    private partial void LogBroken(Exception exception, EventStoreEngine engine);
}
