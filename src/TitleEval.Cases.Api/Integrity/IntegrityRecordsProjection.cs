using System.Globalization;
using System.Text.Json.Nodes;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.People;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Integrity;

/// <summary>
/// 诚信档案库 / 失信黑名单 [000 七(一)4; 001 七(三)]: one row per integrity record, keyed by its record id. A person is
/// identified by the HMAC person key and, when the record came from a case, the case's masked resident ID — never the
/// plain ID (architecture.md §4). Units are identified by their organisation code.
/// </summary>
public sealed class IntegrityRecordsProjection : IProjection
{
    public const string ProjectionName = "integrity-records";
    public const string Records = "integrity_records";

    /// <summary>The masked resident ID of each case's applicant, so a record a case decision wrote can show whom it is about.</summary>
    public const string Applicants = "integrity_applicants";

    private const string SubmittedType = "application-submitted.v1";

    public string Name => ProjectionName;

    public IReadOnlyList<string> Tables { get; } = [Records, Applicants];

    public IEnumerable<string> CreateTables(ProjectionTables tables) =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS {tables[Records]} (
            record_id TEXT PRIMARY KEY,
            global_position BIGINT NOT NULL,
            subject_kind TEXT NOT NULL,
            subject_key TEXT NOT NULL,
            subject_name TEXT NOT NULL,
            resident_id_masked TEXT NULL,
            misconduct TEXT NOT NULL,
            sanction TEXT NOT NULL,
            decision_reference TEXT NOT NULL,
            application_id TEXT NULL,
            recorded_on TEXT NOT NULL,
            expires_on TEXT NOT NULL,
            expired INTEGER NOT NULL,
            expired_on TEXT NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS {tables.Bare(Records)}_by_subject ON {tables[Records]} (subject_key, recorded_on)",
        $"CREATE INDEX IF NOT EXISTS {tables.Bare(Records)}_by_position ON {tables[Records]} (global_position)",
        $"CREATE TABLE IF NOT EXISTS {tables[Applicants]} (application_id TEXT PRIMARY KEY, resident_id_masked TEXT NOT NULL)",
    ];

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionBatch batch, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            if (e.Stream.Category == "application" && e.Type == SubmittedType)
            {
                // Only the masked form is kept; the plain ID never reaches a read model.
                var residentId = JsonNode.Parse(e.Data)?["applicant"]?["residentId"]?.GetValue<string>();
                if (residentId is not null)
                {
                    await batch.ExecuteAsync(
                        $"INSERT INTO {batch.Tables[Applicants]} (application_id, resident_id_masked) VALUES (@id, @masked) ON CONFLICT (application_id) DO NOTHING",
                        cancellationToken,
                        ("@id", Guid.ParseExact(e.Stream.Id, "N").ToString("D")),
                        ("@masked", ResidentId.Mask(residentId)));
                }
            }
            else if (e.Stream.Category == "integrity")
            {
                switch (batch.Event(e))
                {
                    case IntegrityEvent.Recorded recorded:
                        await InsertAsync(e, recorded, batch, cancellationToken);
                        break;
                    case IntegrityEvent.Expired expired:
                        await batch.ExecuteAsync(
                            $"UPDATE {batch.Tables[Records]} SET expired = 1, expired_on = @on WHERE record_id = @id",
                            cancellationToken,
                            ("@id", expired.RecordId.ToString("D")),
                            ("@on", Iso(expired.On)));

                        break;
                }
            }
        }
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task InsertAsync(RecordedEvent e, IntegrityEvent.Recorded r, ProjectionBatch batch, CancellationToken cancellationToken)
    {
        string? masked = null;
        if (r.ApplicationId is { } applicationId)
        {
            masked = await batch.ScalarAsync(
                $"SELECT resident_id_masked FROM {batch.Tables[Applicants]} WHERE application_id = @id",
                cancellationToken,
                ("@id", applicationId.ToString("D"))) as string;
        }

        await batch.ExecuteAsync(
            $"""
            INSERT INTO {batch.Tables[Records]} (record_id, global_position, subject_kind, subject_key, subject_name, resident_id_masked, misconduct, sanction,
                decision_reference, application_id, recorded_on, expires_on, expired, expired_on)
            VALUES (@id, @position, @kind, @key, @name, @masked, @misconduct, @sanction, @decision, @application, @recorded, @expires, 0, NULL)
            ON CONFLICT (record_id) DO NOTHING
            """,
            cancellationToken,
            ("@id", r.RecordId.ToString("D")),
            ("@position", e.GlobalPosition),
            ("@kind", r.SubjectKind),
            ("@key", r.SubjectKey),
            ("@name", r.SubjectName),
            ("@masked", masked),
            ("@misconduct", r.Misconduct),
            ("@sanction", r.Sanction.ToString()),
            ("@decision", r.DecisionReference),
            ("@application", r.ApplicationId?.ToString("D")),
            ("@recorded", Iso(r.RecordedOn)),
            ("@expires", Iso(r.ExpiresOn)));
    }
}
