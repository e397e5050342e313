namespace TitleEval.Cases.Api.Jobs;

/// <summary>
/// A background job that sweeps on an interval: a failed sweep is logged and tried again at the next interval, never
/// fatal. Sweeps must be idempotent — two instances, or one run twice, write each fact once.
/// </summary>
public abstract partial class PeriodicSweep(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Interval { get; }

    /// <summary>One sweep; returns how many facts it wrote. Public so that tests and commands can run it directly.</summary>
    public abstract Task<int> SweepAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, exception, GetType().Name, Interval);
            }

            try
            {
                await Task.Delay(Interval, Time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 4900, Level = LogLevel.Error, Message = "{Job} sweep failed; it runs again in {Interval}")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string job, TimeSpan interval);
}
