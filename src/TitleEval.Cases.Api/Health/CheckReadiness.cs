using MediatR;
using TitleEval.Cases.Api.Store;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Health;

/// <summary>Ready = the event store was initialized and answers a ping and a head-position read within <see cref="Timeout"/>.</summary>
public static partial class CheckReadiness
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public sealed record Query : IRequest<ReadinessReport>;

    public sealed partial class Handler(
        IEventStore store,
        EventStoreStatus status,
        Projections.ProjectionHost projections,
        Microsoft.Extensions.Options.IOptions<Projections.ProjectionOptions> projectionOptions,
        TimeProvider timeProvider,
        ILogger<Handler> logger) : IRequestHandler<Query, ReadinessReport>
    {
        public async Task<ReadinessReport> Handle(Query request, CancellationToken cancellationToken)
        {
            if (!status.IsInitialized)
            {
                LogNotReady(store.Engine, "the event store is not initialized yet");
                return Unavailable();
            }

            using var timeout = new CancellationTokenSource(Timeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                // WaitAsync bounds the probe even when a driver ignores the token (a connect attempt, say).
                if (!await store.PingAsync(linked.Token).WaitAsync(linked.Token))
                {
                    LogNotReady(store.Engine, "the event store did not answer its ping");
                    return Unavailable();
                }

                var head = await store.ReadHeadPositionAsync(linked.Token).WaitAsync(linked.Token);
                var lags = await projections.StatusAsync(linked.Token).WaitAsync(linked.Token);
                var behind = lags.Where(p => p.LagSeconds > projectionOptions.Value.MaxLag.TotalSeconds).Select(p => p.Name).ToArray();
                if (behind.Length > 0)
                {
                    LogNotReady(store.Engine, $"projections lag more than {projectionOptions.Value.MaxLag}: {string.Join(", ", behind)}");
                }

                return new ReadinessReport
                {
                    Status = behind.Length == 0 ? ReadinessReport.Ready : ReadinessReport.Unavailable,
                    Engine = store.Engine,
                    HeadPosition = head,
                    Projections = lags,
                };
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A probe turns every failure of the store, a timeout included, into "unavailable"; the log keeps the cause.
                LogProbeFailed(exception, store.Engine);
                return Unavailable();
            }
        }

        private ReadinessReport Unavailable() => new() { Status = ReadinessReport.Unavailable, Engine = store.Engine };

        [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Not ready: {Reason} (engine {Engine})")]
        private partial void LogNotReady(string engine, string reason);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Not ready: the event store probe failed (engine {Engine})")]
        private partial void LogProbeFailed(Exception exception, string engine);
    }
}
