using System.Data.Common;
using System.Globalization;
using TitleEval.Cases.Api.Integrity;
using TitleEval.Cases.EventStore;

/// <summary>
/// Grows a dataset seeded through the command path to the size (1,000,000 events) in seconds rather than hours:
/// copies the seeded events k = 1, 2, … times in one INSERT … SELECT each, in their global order. Each copy is a
/// province's worth of other cases filed by other people: every 32-hex id — a case's, a disclosure's or an integrity
/// record's id (projections read it as a GUID) and a person's key (the HMAC of a resident ID, which names the person
/// stream) — has its first 8 digits replaced by k, in the stream names and in the data fields that hold one
/// (<see cref="IdFields"/>, and an integrity record's <c>subjectKey</c> when the subject is a person), so a copy's
/// events still point at the copy's own streams and each seeded resident ID finds only its original cases and records.
/// Employer and quota streams get the suffix <c>.r{k}</c>. The applicant's resident ID in the data is left as is: its
/// HMAC is the seeded key, not the copy's, and nothing looks a copy's case up by it. Event ids are new; types,
/// metadata and times are the seeded ones, so each copy is the same mix of events. Certificate numbers repeat across
/// copies, so that projection's upserts find their row already there. This bypasses the store's append path on
/// purpose: it is a benchmark fixture, not a way to write events.
/// </summary>
internal static class BulkReplicator
{
    private const string Renamed = "category IN ('application', 'disclosure', 'integrity', 'person')";

    /// <summary>The data fields (JSON paths) holding an id of a renamed stream: a GUID in its "D" form or a person key.</summary>
    private static readonly string[][] IdFields =
        [["applicationId"], ["firstApplicationId"], ["recordId"], ["integrityRecordId"], ["integrityFlag", "recordId"], ["personKey"]];

    /// <summary>Copies the first <paramref name="seeded"/> events until the log holds at least <paramref name="target"/>; answers the copies made.</summary>
    public static async Task<int> ReplicateAsync(IEventStore store, long seeded, long target, CancellationToken cancellationToken)
    {
        var copies = seeded > 0 ? (int)Math.Ceiling((double)target / seeded) - 1 : 0;
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        for (var k = 1; k <= copies; k++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandTimeout = 600;
            command.CommandText = store.Engine == "messagedb" ? MessageDb(k) : Sqlite(k);
            command.Parameters.Add(Parameter(command, "@seeded", seeded));
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return copies;
    }

    private static DbParameter Parameter(DbCommand command, string name, long value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }

    private static string Prefix(int k) => k.ToString("x8", CultureInfo.InvariantCulture);

    private static string PersonKinds => string.Join(", ", IntegritySubjects.PersonKinds.Order(StringComparer.Ordinal).Select(kind => $"'{kind}'"));

    private static string Sqlite(int k)
    {
        var prefix = Prefix(k);
        // json_replace leaves a path the event does not have alone; a JSON null stays null (prefix || NULL is NULL).
        var pairs = IdFields.Select(f => "'$." + string.Join('.', f) + "'").Select(p => $"{p}, '{prefix}' || substr(json_extract(data, {p}), 9)");
        var subject = $"'$.subjectKey', CASE WHEN json_extract(data, '$.subjectKind') IN ({PersonKinds}) THEN '{prefix}' || substr(json_extract(data, '$.subjectKey'), 9) " +
            "ELSE '' || json_extract(data, '$.subjectKey') END";
        return $"""
            INSERT INTO events (event_id, stream_name, category, version, type, data, metadata, recorded_at)
            SELECT lower(hex(randomblob(16))),
                CASE WHEN {Renamed} THEN category || '-{prefix}' || substr(stream_name, length(category) + 10) ELSE stream_name || '.r{k}' END,
                category, version, type, json_replace(data, {string.Join(", ", pairs)}, {subject}), metadata, recorded_at
            FROM events WHERE global_position <= @seeded ORDER BY global_position
            """;
    }

    private static string MessageDb(int k)
    {
        var prefix = Prefix(k);
        var category = "split_part(stream_name, '-', 1)";
        // jsonb_set without create_missing leaves a path the event does not have alone; a JSON null is set to null again.
        string Set(string data, string path, string value) => $"jsonb_set({data}, '{path}', coalesce(to_jsonb({value}), 'null'::jsonb), false)";
        var data = IdFields.Select(f => "{" + string.Join(',', f) + "}")
            .Aggregate("data", (inner, path) => Set(inner, path, $"'{prefix}' || substr(data #>> '{path}', 9)"));
        data = Set(data, "{subjectKey}", $"CASE WHEN data ->> 'subjectKind' IN ({PersonKinds}) THEN '{prefix}' || substr(data ->> 'subjectKey', 9) ELSE data ->> 'subjectKey' END");
        return $"""
            INSERT INTO message_store.messages (id, stream_name, type, position, data, metadata, time)
            SELECT gen_random_uuid(),
                CASE WHEN {Renamed.Replace("category", category, StringComparison.Ordinal)} THEN {category} || '-{prefix}' || substr(stream_name, length({category}) + 10) ELSE stream_name || '.r{k}' END,
                type, position, {data}, metadata, time
            FROM message_store.messages WHERE global_position <= @seeded ORDER BY global_position
            """;
    }
}
