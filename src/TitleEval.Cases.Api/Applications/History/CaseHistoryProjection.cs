using System.Globalization;
using System.Text.Json.Nodes;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.History;

/// <summary>
/// 案件历史: every event of every case, in order, with who decided, in which role and organisation, why, through which
/// client and when — the timeline committee offices and inspectors read. A row is keyed by its event's global position
/// and carries the case and version (stream and version), so a rebuild writes identical rows. Resident ID and phone are
/// masked in the stored details (architecture.md §4).
/// </summary>
public sealed class CaseHistoryProjection : IProjection
{
    // v2: keyed by global position (SQLite's rowid, appended in order) instead of a "stream:version" text key inserted
    // at random places of its own index: most of a rebuild's case-history time. The new name builds the new table from
    // the log. (Reading unmasked facts from the log at query time instead of copying them was tried: the rebuild gained,
    // but the history query's p50/p99 grew by a third, and its p99 target is the one a user feels.)
    public const string Table = "case_history_v2";

    public string Name => "case-history-v2";

    public IReadOnlyList<string> Tables { get; } = [Table];

    public IEnumerable<string> CreateTables(ProjectionTables tables)
    {
        var table = tables[Table];
        yield return $"""
            CREATE TABLE IF NOT EXISTS {table} (
                global_position {(tables.OnPostgres ? "BIGINT" : "INTEGER")} PRIMARY KEY,
                application_id TEXT NOT NULL,
                version BIGINT NOT NULL,
                event_type TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                occurred_at TEXT NULL,
                actor_id TEXT NULL,
                actor_role TEXT NULL,
                actor_organisation TEXT NULL,
                reason TEXT NULL,
                client_id TEXT NULL,
                correlation_id TEXT NULL,
                details TEXT NOT NULL)
            """;
        yield return $"CREATE INDEX IF NOT EXISTS {tables.Bare(Table)}_by_case ON {table} (application_id, version)";
    }

    /// <summary>A rebuild masks the next batch's facts on the other core (parsing and re-writing the JSON).</summary>
    public Func<RecordedEvent, object>? NewPreparer() => e => e.Stream.Category == "application" ? Details(e) : string.Empty;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionBatch batch, CancellationToken cancellationToken)
    {
        foreach (var e in events.Where(e => e.Stream.Category == "application"))
        {
            var metadata = batch.Metadata(e);
            await batch.AppendAsync(
                batch.Tables[Table],
                cancellationToken,
                ("global_position", e.GlobalPosition),
                ("application_id", Guid.ParseExact(e.Stream.Id, "N").ToString("D")),
                ("version", e.Version),
                ("event_type", e.Type),
                ("recorded_at", e.RecordedAt.ToString("O", CultureInfo.InvariantCulture)),
                ("occurred_at", metadata?.OccurredAt.ToString("O", CultureInfo.InvariantCulture)),
                ("actor_id", metadata?.ActorId),
                ("actor_role", metadata?.ActorRole),
                ("actor_organisation", metadata?.ActorOrganisation),
                ("reason", metadata?.Reason),
                ("client_id", metadata?.ClientId),
                ("correlation_id", metadata?.CorrelationId),
                ("details", batch.Prepared(e) as string ?? Details(e)));
        }
    }

    /// <summary>The event's facts, with the applicant's resident ID and phone masked.</summary>
    private static string Details(RecordedEvent e)
    {
        // Only an event with an applicant carries an ID or a phone to mask; the others are stored as written, which
        // spares parsing and re-writing every event's JSON (the query parses the column either way).
        if (!e.Data.Contains("\"applicant\"", StringComparison.Ordinal))
        {
            return e.Data;
        }

        var details = JsonNode.Parse(e.Data)!.AsObject();
        if (details["applicant"] is not JsonObject applicant)
        {
            return e.Data;
        }

        if (applicant["residentId"]?.GetValue<string>() is { } id)
        {
            applicant["residentId"] = ResidentId.Mask(id);
        }

        if (applicant["phone"]?.GetValue<string>() is { } phone)
        {
            applicant["phone"] = PhoneNumber.Mask(phone);
        }

        return details.ToJsonString();
    }
}
