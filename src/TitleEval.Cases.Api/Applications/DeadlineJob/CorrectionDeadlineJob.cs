using System.Data.Common;
using System.Globalization;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Jobs;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore.Subscriptions;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.DeadlineJob;

/// <summary>Configuration section <c>CorrectionDeadlines</c>.</summary>
public sealed class CorrectionDeadlineOptions
{
    public const string SectionName = "CorrectionDeadlines";

    /// <summary>How often returned cases are checked against their deadline.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// 逾期未补充更正的，视为放弃申报 [002 三(四)5]: keeps a small read model of returned cases and their deadlines (a catch-up
/// subscription, checkpoint in the same transaction) and, on each sweep, sends <c>MarkDeemedWithdrawn</c> for those whose
/// deadline has passed. Idempotent: the decider writes nothing for a case already resolved, so a sweep run twice, or
/// by two instances, writes each <c>DeemedWithdrawn</c> once.
/// </summary>
public sealed partial class CorrectionDeadlineJob(
    IEventStore store,
    CaseCommandExecutor executor,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<CorrectionDeadlineOptions> options,
    ILogger<CorrectionDeadlineJob> logger) : PeriodicSweep(time, logger)
{
    public const string SubscriptionName = "correction-deadlines";
    private const string TableName = "correction_deadlines";

    private static readonly Actor System = new("correction-deadline-job", "system", "TitleEval.Cases", null);

    /// <summary>Brings the deadline table up to date with the event log.</summary>
    public Task<long> CatchUpAsync(CancellationToken cancellationToken) =>
        new CatchUpSubscription(store, SubscriptionName, ApplyAsync).CatchUpAsync(cancellationToken);

    /// <summary>One sweep: catch up, then mark every returned case past its deadline. Returns how many were deemed withdrawn.</summary>
    protected override TimeSpan Interval => options.Value.SweepInterval;

    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        var today = executor.Today;
        var due = new List<Guid>();
        await using (var connection = await store.OpenReadModelConnectionAsync(cancellationToken))
        {
            if (!await TableExistsAsync(connection, cancellationToken))
            {
                return 0;
            }

            await using var query = connection.CreateCommand();
            query.CommandText = $"SELECT application_id FROM {store.Table(TableName)} WHERE deadline < @today ORDER BY deadline";
            query.WithParameter("@today", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(Guid.Parse(reader.GetString(0)));
            }
        }

        var marked = 0;
        foreach (var id in due)
        {
            var headers = new CommandHeaders(System, "补正期限已过，视为放弃申报 / correction deadline passed", null, null, $"deemed-withdrawn:{id}", $"deadline-sweep:{today:yyyy-MM-dd}");
            var outcome = await executor.DecideAsync(id, headers, c => new ApplicationCommand.MarkDeemedWithdrawn { Today = c.Today }, cancellationToken);
            if (outcome is CommandOutcome.Done { Result.Status: nameof(ApplicationStatus.DeemedWithdrawn) })
            {
                marked++;
            }
        }

        if (marked > 0)
        {
            LogMarked(marked, today);
            await CatchUpAsync(cancellationToken);
        }

        return marked;
    }

    private static async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, SubscriberTransaction tx, CancellationToken cancellationToken)
    {
        await using (var create = tx.CreateCommand($"CREATE TABLE IF NOT EXISTS {tx.Table(TableName)} (application_id TEXT PRIMARY KEY, deadline TEXT NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var recorded in events.Where(e => e.Stream.Category == "application"))
        {
            var id = Guid.ParseExact(recorded.Stream.Id, "N").ToString("D");
            switch (EventSerialization.Deserialize(recorded))
            {
                case ApplicationEvent.ReturnedForCorrection returned:
                    await using (var upsert = tx.CreateCommand($"INSERT INTO {tx.Table(TableName)} (application_id, deadline) VALUES (@id, @deadline) ON CONFLICT (application_id) DO UPDATE SET deadline = excluded.deadline"))
                    {
                        upsert.WithParameter("@id", id);
                        upsert.WithParameter("@deadline", returned.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                        await upsert.ExecuteNonQueryAsync(cancellationToken);
                    }

                    break;
                case ApplicationEvent.Resubmitted or ApplicationEvent.DeemedWithdrawn or ApplicationEvent.Withdrawn or ApplicationEvent.RejectedIneligible:
                    await using (var delete = tx.CreateCommand($"DELETE FROM {tx.Table(TableName)} WHERE application_id = @id"))
                    {
                        delete.WithParameter("@id", id);
                        await delete.ExecuteNonQueryAsync(cancellationToken);
                    }

                    break;
            }
        }
    }

    private async Task<bool> TableExistsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = store.Engine == "messagedb"
            ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'titleeval' AND table_name = @name"
            : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name";
        exists.WithParameter("@name", TableName);
        return Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
    }


    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Deemed {Count} returned applications withdrawn on {Today}")]
    private partial void LogMarked(int count, DateOnly today);

}
