using System.Globalization;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Rosters;

/// <summary>
/// 花名册 [000 附件2; domain.md §7]: one row per case (row id = application id), holding exactly what the roster's
/// columns need plus the case's status and pending stage, upserted as the case moves. Every case has a row, so the
/// statistics read the same table; the roster itself leaves out cases that left the procedure (see
/// <see cref="RosterQueries.Listed"/>). Resident ID and phone are stored masked only: the roster is a posted list
/// [domain.md §5], and an unmasked export for the bureau is a later issue (a rebuild fills it then).
/// </summary>
public sealed class RosterProjection : IProjection
{
    public const string Table = "roster";

    public string Name => "roster";

    public IReadOnlyList<string> Tables { get; } = [Table];

    public IEnumerable<string> CreateTables(ProjectionTables tables) =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS {tables[Table]} (
            application_id TEXT PRIMARY KEY,
            committee_id TEXT NOT NULL,
            plan_year INTEGER NOT NULL,
            region TEXT NOT NULL,
            series TEXT NOT NULL,
            speciality TEXT NOT NULL,
            level TEXT NOT NULL,
            status TEXT NOT NULL,
            stage TEXT NULL,
            affiliation TEXT NOT NULL,
            employer_name TEXT NOT NULL,
            name TEXT NOT NULL,
            gender TEXT NOT NULL,
            ethnicity TEXT NOT NULL,
            birth_month TEXT NOT NULL,
            education TEXT NOT NULL,
            graduated TEXT NOT NULL,
            major TEXT NOT NULL,
            current_title TEXT NOT NULL,
            current_speciality TEXT NOT NULL,
            continuing_education TEXT NOT NULL,
            resident_id_masked TEXT NOT NULL,
            phone_masked TEXT NOT NULL,
            preferential_policies TEXT NOT NULL,
            submitted_on TEXT NOT NULL,
            version BIGINT NOT NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS {tables.Bare(Table)}_by_roster ON {tables[Table]} (committee_id, plan_year, series, level)",
    ];

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionBatch batch, CancellationToken cancellationToken)
    {
        // A case's moves in one batch are folded into one update (the last status, the last stage set, the last
        // version), so a rebuild writes a statement per case and batch rather than one per event.
        var cases = new Dictionary<string, Folded>();
        var order = new List<string>();
        foreach (var e in events.Where(e => e.Stream.Category == "application"))
        {
            var @event = (ApplicationEvent)batch.Event(e);
            if (!cases.TryGetValue(e.Stream.Id, out var folded))
            {
                cases[e.Stream.Id] = folded = new Folded();
                order.Add(e.Stream.Id);
            }

            if (@event is ApplicationEvent.Submitted submitted)
            {
                folded.Submitted ??= (submitted, e.Version);
                continue;
            }

            if (Move(@event) is not { } move)
            {
                continue;
            }

            folded.Status = move.Status ?? folded.Status;
            if (!move.KeepStage)
            {
                folded.SetsStage = true;
                folded.Stage = move.Stage;
            }

            folded.Version = e.Version;
        }

        foreach (var key in order)
        {
            var folded = cases[key];
            var applicationId = Guid.ParseExact(key, "N").ToString("D");
            if (folded.Submitted is var (submitted, version))
            {
                await InsertAsync(batch, applicationId, submitted, version, cancellationToken);
            }

            if (folded.Version is not { } last)
            {
                continue;
            }

            // `version < @version`: a rebuild or a replayed batch never moves a row backwards.
            await batch.ExecuteAsync(
                $"""
                UPDATE {batch.Tables[Table]}
                SET status = COALESCE(@status, status), stage = CASE WHEN @keepStage = 1 THEN stage ELSE @stage END, version = @version
                WHERE application_id = @id AND version < @version
                """,
                cancellationToken,
                ("@status", folded.Status?.ToString()),
                ("@keepStage", folded.SetsStage ? 0 : 1),
                ("@stage", folded.Stage?.ToString()),
                ("@version", last),
                ("@id", applicationId));
        }
    }

    /// <summary>One case's events of a batch: its submission, if there, then the folded moves.</summary>
    private sealed class Folded
    {
        public (ApplicationEvent.Submitted Event, long Version)? Submitted { get; set; }

        public ApplicationStatus? Status { get; set; }

        public bool SetsStage { get; set; }

        public ReviewStage? Stage { get; set; }

        public long? Version { get; set; }
    }

    private static (ApplicationStatus? Status, ReviewStage? Stage, bool KeepStage)? Move(ApplicationEvent @event) => @event switch
    {
        ApplicationEvent.StageReviewPassed { Stage: ReviewStage.CommitteeOffice } => (ApplicationStatus.Accepted, null, false),
        ApplicationEvent.StageReviewPassed e => (null, e.Stage + 1, false),
        ApplicationEvent.ReturnedForCorrection e => (ApplicationStatus.Returned, e.Stage, false),
        ApplicationEvent.Resubmitted => (ApplicationStatus.InReview, null, true),
        ApplicationEvent.DeemedWithdrawn => (ApplicationStatus.DeemedWithdrawn, null, false),
        ApplicationEvent.RejectedIneligible => (ApplicationStatus.RejectedIneligible, null, false),
        ApplicationEvent.Withdrawn => (ApplicationStatus.Withdrawn, null, false),
        ApplicationEvent.Reviewed e => (e.Passed ? ApplicationStatus.ReviewPassed : ApplicationStatus.NotPassed, null, false),
        ApplicationEvent.Approved => (ApplicationStatus.Approved, null, false),
        ApplicationEvent.CertificateIssued => (ApplicationStatus.CertificateIssued, null, false),
        ApplicationEvent.Disqualified => (ApplicationStatus.Disqualified, null, false),
        ApplicationEvent.RevokedForFraud => (ApplicationStatus.RevokedForFraud, null, false),
        _ => null,
    };

    private static async Task InsertAsync(ProjectionBatch batch, string applicationId, ApplicationEvent.Submitted s, long version, CancellationToken cancellationToken)
    {
        var a = s.Applicant;
        await batch.ExecuteAsync(
            $"""
            INSERT INTO {batch.Tables[Table]} (application_id, committee_id, plan_year, region, series, speciality, level, status, stage,
                affiliation, employer_name, name, gender, ethnicity, birth_month, education, graduated, major, current_title, current_speciality,
                continuing_education, resident_id_masked, phone_masked, preferential_policies, submitted_on, version)
            VALUES (@id, @committee, @year, @region, @series, @speciality, @level, @status, @stage,
                @affiliation, @employer, @name, @gender, @ethnicity, @birth, @education, @graduated, @major, @title, @currentSpeciality,
                @continuing, @residentId, @phone, @policies, @submittedOn, @version)
            ON CONFLICT (application_id) DO NOTHING
            """,
            cancellationToken,
            ("@id", applicationId),
            ("@committee", s.CommitteeId),
            ("@year", s.PlanYear),
            ("@region", s.Employer.Region),
            ("@series", s.Series),
            ("@speciality", s.Speciality),
            ("@level", s.Level.ToString()),
            ("@status", nameof(ApplicationStatus.InReview)),
            ("@stage", nameof(ReviewStage.Employer)),
            ("@affiliation", s.Employer.Affiliation.ToString()),
            ("@employer", s.Employer.Name),
            ("@name", a.Name),
            ("@gender", a.Gender == Gender.Male ? "男" : "女"),
            ("@ethnicity", a.Ethnicity),
            ("@birth", RosterFormat.Month(a.BirthDate)),
            ("@education", a.Education),
            ("@graduated", $"{a.GraduatedFrom} {RosterFormat.Month(a.GraduatedOn)}"),
            ("@major", a.Major),
            ("@title", a.CurrentTitle is null ? string.Empty : a.CurrentTitleObtainedOn is { } on ? $"{a.CurrentTitle} {RosterFormat.Month(on)}" : a.CurrentTitle),
            ("@currentSpeciality", a.CurrentSpeciality),
            ("@continuing", s.ContinuingEducation == ContinuingEducation.Completed ? "有" : "免"),
            ("@residentId", ResidentId.Mask(a.ResidentId)),
            ("@phone", PhoneNumber.Mask(a.Phone)),
            ("@policies", string.Join(",", s.PreferentialPolicies.Order())),
            ("@submittedOn", s.SubmittedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("@version", version));
    }
}
