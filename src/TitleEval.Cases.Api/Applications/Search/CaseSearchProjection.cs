using System.Globalization;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;
using static TitleEval.Cases.Domain.Applications.ApplicationEvent;

namespace TitleEval.Cases.Api.Applications.Search;

/// <summary>
/// 案件检索: one row per case (row id = application id), upserted as its events arrive, with what the search filters
/// on and what the applicant's progress query shows (open publicity, correction deadline). The person is stored only
/// as the keyed HMAC the submission already carries, never the resident ID nor a plain hash [architecture.md §4], so an
/// exact resident-ID search computes the key of the searched ID and matches it.
/// </summary>
public sealed class CaseSearchProjection : IProjection
{
    public const string Table = "case_search_v2";

    // v2: employer region and department and the filer's id, which case scoping filters on; the new name rebuilds it.
    public string Name => "case-search-v2";

    public IReadOnlyList<string> Tables { get; } = [Table];

    public IEnumerable<string> CreateTables(ProjectionTables tables)
    {
        var table = tables[Table];
        var index = tables.Bare(Table);
        return
        [
            $"""
            CREATE TABLE IF NOT EXISTS {table} (
                application_id TEXT PRIMARY KEY,
                person_key TEXT NOT NULL,
                applicant_name TEXT NOT NULL,
                employer_code TEXT NOT NULL,
                employer_name TEXT NOT NULL,
                employer_region TEXT NOT NULL,
                employer_department TEXT NULL,
                filed_by TEXT NULL,
                series TEXT NOT NULL,
                speciality TEXT NOT NULL,
                level TEXT NOT NULL,
                channel TEXT NOT NULL,
                committee_id TEXT NOT NULL,
                plan_id TEXT NOT NULL,
                plan_year INTEGER NOT NULL,
                status TEXT NOT NULL,
                stage TEXT NOT NULL,
                submitted_on TEXT NOT NULL,
                correction_deadline TEXT NULL,
                publicity_stage TEXT NULL,
                publicity_start TEXT NULL,
                publicity_end TEXT NULL,
                meeting_date TEXT NULL,
                approved_on TEXT NULL,
                certificate_number TEXT NULL,
                last_position BIGINT NOT NULL,
                last_version BIGINT NOT NULL,
                updated_at TEXT NOT NULL)
            """,
            $"CREATE INDEX IF NOT EXISTS {index}_by_person ON {table} (person_key)",
            $"CREATE INDEX IF NOT EXISTS {index}_by_submitted ON {table} (submitted_on, application_id)",
            $"CREATE INDEX IF NOT EXISTS {index}_by_name ON {table} (applicant_name, application_id)",
        ];
    }

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionBatch batch, CancellationToken cancellationToken)
    {
        // A case's events in one batch are folded into at most one insert and one update: a rebuild's batch holds
        // most of a case's life, and one statement per event was most of this projection's cost.
        var cases = new Dictionary<string, Folded>();
        var order = new List<string>();
        foreach (var e in events.Where(e => e.Stream.Category == "application"))
        {
            if (batch.Event(e) is not ApplicationEvent @event)
            {
                continue;
            }

            var id = e.Stream.Id;
            if (!cases.TryGetValue(id, out var folded))
            {
                cases[id] = folded = new Folded();
                order.Add(id);
            }

            if (@event is Submitted s && folded.Submitted is null && folded.Last is null)
            {
                folded.Submitted = (s, e);
                continue;
            }

            foreach (var (column, value) in Changes(@event))
            {
                if (!folded.Changes.ContainsKey(column))
                {
                    folded.Columns.Add(column);
                }

                folded.Changes[column] = value;
            }

            folded.Last = e;
        }

        foreach (var key in order)
        {
            var folded = cases[key];
            var id = Guid.ParseExact(key, "N").ToString("D");
            if (folded.Submitted is var (s, submittedEvent))
            {
                await Insert(batch, id, s, submittedEvent, Recorded(submittedEvent), cancellationToken);
            }

            if (folded.Last is { } last)
            {
                await Update(batch, id, folded.Columns.Select(c => (c, folded.Changes[c])).ToArray(), last, Recorded(last), cancellationToken);
            }
        }
    }

    private static string Recorded(RecordedEvent e) => e.RecordedAt.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>One case's events of a batch: its submission, if there, then the columns the later events set (the last value wins) and the last of them.</summary>
    private sealed class Folded
    {
        public (Submitted Event, RecordedEvent Recorded)? Submitted { get; set; }

        public List<string> Columns { get; } = [];

        public Dictionary<string, object?> Changes { get; } = new(StringComparer.Ordinal);

        public RecordedEvent? Last { get; set; }
    }

    /// <summary>
    /// The columns an event sets, mirroring <see cref="ApplicationDecider.Evolve"/> for status and stage (a test folds
    /// both over the same events). Each event carries what it changes, so the row is updated from the event alone.
    /// </summary>
    public static IReadOnlyList<(string Column, object? Value)> Changes(ApplicationEvent @event) => @event switch
    {
        Submitted => [("status", nameof(ApplicationStatus.InReview)), ("stage", nameof(ReviewStage.Employer))],
        StageReviewPassed e when e.Stage == ReviewStage.CommitteeOffice => [("status", nameof(ApplicationStatus.Accepted))],
        StageReviewPassed e => [("stage", (e.Stage + 1).ToString())],
        PublicityOpened e => [("publicity_stage", e.Stage.ToString()), ("publicity_start", Date(e.Start)), ("publicity_end", Date(e.End))],
        PublicityClosed => [("publicity_stage", null), ("publicity_start", null), ("publicity_end", null)],
        ReturnedForCorrection e => [("status", nameof(ApplicationStatus.Returned)), ("stage", e.Stage.ToString()), ("correction_deadline", Date(e.Deadline))],
        Resubmitted => [("status", nameof(ApplicationStatus.InReview)), ("correction_deadline", null)],
        DeemedWithdrawn => [("status", nameof(ApplicationStatus.DeemedWithdrawn))],
        RejectedIneligible => [("status", nameof(ApplicationStatus.RejectedIneligible))],
        Withdrawn => [("status", nameof(ApplicationStatus.Withdrawn))],
        Reviewed e => [("status", (e.Passed ? ApplicationStatus.ReviewPassed : ApplicationStatus.NotPassed).ToString()), ("meeting_date", Date(e.MeetingDate))],
        Approved e => [("status", nameof(ApplicationStatus.Approved)), ("approved_on", Date(e.On))],
        CertificateIssued e => [("status", nameof(ApplicationStatus.CertificateIssued)), ("certificate_number", e.CertificateNumber)],
        Disqualified => [("status", nameof(ApplicationStatus.Disqualified))],
        RevokedForFraud => [("status", nameof(ApplicationStatus.RevokedForFraud))],
        ObjectionLodged or ObjectionResolved => [],
        _ => [],
    };

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Task Insert(ProjectionBatch batch, string id, Submitted s, RecordedEvent e, string recordedAt, CancellationToken cancellationToken) =>
        batch.ExecuteAsync(
            $"""
            INSERT INTO {batch.Tables[Table]} (application_id, person_key, applicant_name, employer_code, employer_name, employer_region, employer_department, filed_by, series, speciality, level,
                channel, committee_id, plan_id, plan_year, status, stage, submitted_on, last_position, last_version, updated_at)
            VALUES (@id, @person, @name, @employerCode, @employerName, @employerRegion, @employerDepartment, @filedBy, @series, @speciality, @level,
                @channel, @committee, @plan, @year, @status, @stage, @submitted, @position, @version, @updated)
            ON CONFLICT (application_id) DO NOTHING
            """,
            cancellationToken,
            ("@id", id),
            ("@person", s.PersonKey),
            ("@name", s.Applicant.Name),
            ("@employerCode", s.Employer.Code),
            ("@employerName", s.Employer.Name),
            ("@employerRegion", s.Employer.Region),
            ("@employerDepartment", s.Employer.Department),
            ("@filedBy", EventSerialization.Metadata(e)?.ActorId),
            ("@series", s.Series),
            ("@speciality", s.Speciality),
            ("@level", s.Level.ToString()),
            ("@channel", s.Channel.ToString()),
            ("@committee", s.CommitteeId),
            ("@plan", s.PlanId),
            ("@year", s.PlanYear),
            ("@status", nameof(ApplicationStatus.InReview)),
            ("@stage", nameof(ReviewStage.Employer)),
            ("@submitted", Date(s.SubmittedOn)),
            ("@position", e.GlobalPosition),
            ("@version", e.Version),
            ("@updated", recordedAt));

    /// <summary>Only a later version moves the row, so applying an event again (or out of order) changes nothing.</summary>
    private static Task Update(ProjectionBatch batch, string id, IReadOnlyList<(string Column, object? Value)> changes, RecordedEvent e, string recordedAt, CancellationToken cancellationToken)
    {
        var set = string.Concat(changes.Select((c, i) => $"{c.Column} = @c{i}, "));
        var parameters = changes.Select((c, i) => ($"@c{i}", c.Value))
            .Concat([("@id", (object?)id), ("@position", e.GlobalPosition), ("@version", e.Version), ("@updated", recordedAt)])
            .ToArray();
        return batch.ExecuteAsync(
            $"""
            UPDATE {batch.Tables[Table]} SET {set}last_position = @position, last_version = @version, updated_at = @updated
            WHERE application_id = @id AND last_version < @version
            """,
            cancellationToken,
            parameters);
    }
}
