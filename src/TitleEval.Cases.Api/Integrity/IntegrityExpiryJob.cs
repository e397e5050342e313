using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Jobs;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain.People;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Integrity;

/// <summary>Configuration section <c>IntegrityExpiry</c>.</summary>
public sealed class IntegrityExpiryOptions
{
    public const string SectionName = "IntegrityExpiry";

    /// <summary>How often records are checked against the end of their three years.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// 记录期限为3年 [000 七(一)4]: on the day a record's three years end it appends <c>IntegrityEvent.Expired</c> to the record's
/// stream. The blacklist never depends on it (activity is computed from the dates); the event makes the end of the period
/// part of the record's history. Idempotent: a stream that already holds the event is skipped, and the append expects the
/// version read, so any number of sweeps, on any number of instances, write it once.
/// </summary>
public sealed partial class IntegrityExpiryJob(
    IEventStore store,
    ProjectionHost host,
    CaseCommandExecutor executor,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<IntegrityExpiryOptions> options,
    ILogger<IntegrityExpiryJob> logger) : PeriodicSweep(time, logger)
{
    private static readonly Actor System = new("integrity-expiry-job", "system", "TitleEval.Cases", null);

    /// <summary>One sweep over the records the read model shows as due (today ≥ expiresOn, expiry not yet seen). Returns how many it expired.</summary>
    protected override TimeSpan Interval => options.Value.SweepInterval;

    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var today = executor.Today;
        var due = new List<Guid>();
        var tables = await host.ActiveTablesAsync(host.Find(IntegrityRecordsProjection.ProjectionName)!, cancellationToken);
        await using (var connection = await store.OpenReadModelConnectionAsync(cancellationToken))
        {
            await using var query = connection.CreateCommand();
            query.CommandText = $"SELECT record_id FROM {tables[IntegrityRecordsProjection.Records]} WHERE expired = 0 AND expires_on <= @today ORDER BY global_position";
            query.WithParameter("@today", IntegrityRecordsProjection.Iso(today));
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(Guid.Parse(reader.GetString(0)));
            }
        }

        var expired = 0;
        foreach (var recordId in due)
        {
            if (await ExpireAsync(recordId, today, cancellationToken))
            {
                expired++;
            }
        }

        if (expired > 0)
        {
            LogExpired(expired, today);
        }

        return expired;
    }

    private async Task<bool> ExpireAsync(Guid recordId, DateOnly today, CancellationToken cancellationToken)
    {
        // The stream, not the read model, decides: the read model may not have seen an expiry written a moment ago.
        var stream = Streams.Integrity(recordId);
        var events = await store.ReadStreamAsync(stream, cancellationToken: cancellationToken);
        var history = events.Select(EventSerialization.Deserialize).ToArray();
        if (history.OfType<IntegrityEvent.Recorded>().SingleOrDefault() is not { } recorded
            || history.OfType<IntegrityEvent.Expired>().Any()
            || today < recorded.ExpiresOn)
        {
            return false;
        }

        var metadata = new EventMetadata(
            System.Id, System.Role, System.Organisation, "诚信档案记录期满三年 / the record's three-year period ended", $"integrity-expiry:{recordId:N}",
            $"integrity-expiry-sweep:{today:yyyy-MM-dd}", null, Time.GetUtcNow());
        try
        {
            await store.AppendAsync(
                stream, ExpectedVersion.Exactly(events[^1].Version), [EventSerialization.ToEventData(new IntegrityEvent.Expired(recordId, recorded.ExpiresOn), metadata)], cancellationToken);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            // Another sweep (here or on another instance) wrote it first.
            return false;
        }
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Expired {Count} integrity records on {Today}")]
    private partial void LogExpired(int count, DateOnly today);

}
