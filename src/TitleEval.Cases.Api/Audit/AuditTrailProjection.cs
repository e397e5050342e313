using System.Globalization;
using System.Text.Json;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Audit;

/// <summary>
/// 审计追踪: one row per event of every stream — who decided (actor, role, organisation, client), what (event type,
/// stream, case), when and why, and the request chain (correlation, causation) — for discipline inspectors
/// [domain.md §1]. Only the audit fields are kept, never the event's facts, so the table holds no names, IDs or phones.
/// The row's key is the event's global position, so a rebuild writes identical rows.
/// </summary>
public sealed class AuditTrailProjection : IProjection
{
    // v2: on SQLite the position is the rowid (INTEGER PRIMARY KEY) rather than a second index beside it; the new name
    // builds the new table from the log.
    public const string Table = "audit_trail_v2";

    public string Name => "audit-trail-v2";

    public IReadOnlyList<string> Tables { get; } = [Table];

    public IEnumerable<string> CreateTables(ProjectionTables tables)
    {
        var table = tables[Table];
        var bare = tables.Bare(Table);
        yield return $"""
            CREATE TABLE IF NOT EXISTS {table} (
                global_position {(tables.OnPostgres ? "BIGINT" : "INTEGER")} PRIMARY KEY,
                stream TEXT NOT NULL,
                application_id TEXT NULL,
                event_type TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                actor_id TEXT NULL,
                actor_role TEXT NULL,
                actor_organisation TEXT NULL,
                client_id TEXT NULL,
                reason TEXT NULL,
                correlation_id TEXT NULL,
                causation_id TEXT NULL)
            """;

        // One index per filter, each ending in the position so that a filtered page is one index range in cursor order.
        foreach (var (suffix, column) in new[]
        {
            ("actor", "actor_id"), ("organisation", "actor_organisation"), ("role", "actor_role"), ("type", "event_type"),
            ("case", "application_id"), ("time", "occurred_at"),
        })
        {
            yield return $"CREATE INDEX IF NOT EXISTS {bare}_by_{suffix} ON {table} ({column}, global_position)";
        }
    }

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionBatch batch, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            var metadata = MetadataOf(e, batch);
            await batch.AppendAsync(
                batch.Tables[Table],
                cancellationToken,
                ("global_position", e.GlobalPosition),
                ("stream", e.Stream.ToString()),
                ("application_id", ApplicationOf(e)?.ToString("D")),
                ("event_type", e.Type),
                ("occurred_at", Instant(metadata?.OccurredAt ?? e.RecordedAt)),
                ("recorded_at", Instant(e.RecordedAt)),
                ("actor_id", metadata?.ActorId),
                ("actor_role", metadata?.ActorRole),
                ("actor_organisation", metadata?.ActorOrganisation),
                ("client_id", metadata?.ClientId),
                ("reason", metadata?.Reason),
                ("correlation_id", metadata?.CorrelationId),
                ("causation_id", metadata?.CausationId));
        }
    }

    /// <summary>UTC, fixed width (<c>2026-06-15T04:00:00.0000000+00:00</c>): text order is time order on both engines.</summary>
    public static string Instant(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>An event without readable metadata is kept with empty actor columns: that gap is itself something an inspector must see.</summary>
    private static EventMetadata? MetadataOf(RecordedEvent e, ProjectionBatch batch)
    {
        try
        {
            return batch.Metadata(e);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The case an event belongs to: the stream's id for a case or its disclosures, else the event's own <c>applicationId</c> (a person's filing, a quota place).</summary>
    private static Guid? ApplicationOf(RecordedEvent e)
    {
        if (e.Stream.Category is "application" or "disclosure")
        {
            return Guid.TryParseExact(e.Stream.Id, "N", out var id) ? id : null;
        }

        using var data = JsonDocument.Parse(e.Data);
        return data.RootElement.ValueKind == JsonValueKind.Object
            && data.RootElement.TryGetProperty("applicationId", out var value)
            && value.ValueKind == JsonValueKind.String
            && Guid.TryParse(value.GetString(), out var applicationId)
                ? applicationId
                : null;
    }
}
