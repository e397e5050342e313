using System.Data.Common;
using System.Globalization;
using TitleEval.Cases.EventStore;

/// <summary>
/// Grows a dataset seeded through the command path to the size (1,000,000 events) in seconds rather than hours:
/// copies the seeded events k = 1, 2, … times in one INSERT … SELECT each, in their global order, each copy under
/// renamed streams. A case's, a disclosure's or an integrity record's stream keeps its 32-hex id form (projections read
/// the id as a GUID) with the first 8 digits replaced by k; other streams (person, employer, quota) get the suffix
/// <c>.r{k}</c>. Event ids are new; types, data, metadata and times are the seeded ones, so each copy is the same mix of
/// events and the same JSON. Ids inside the data (a record id, a certificate number) repeat across copies, so those
/// projections' upserts find their row already there — rows per event are, if anything, slightly fewer than in a real log.
/// This bypasses the store's append path on purpose: it is a benchmark fixture, not a way to write events.
/// </summary>
internal static class BulkReplicator
{
    private const string Renamed = "category IN ('application', 'disclosure', 'integrity')";

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

    private static string Sqlite(int k)
    {
        var prefix = k.ToString("x8", CultureInfo.InvariantCulture);
        return $"""
            INSERT INTO events (event_id, stream_name, category, version, type, data, metadata, recorded_at)
            SELECT lower(hex(randomblob(16))),
                CASE WHEN {Renamed} THEN category || '-{prefix}' || substr(stream_name, length(category) + 10) ELSE stream_name || '.r{k}' END,
                category, version, type, data, metadata, recorded_at
            FROM events WHERE global_position <= @seeded ORDER BY global_position
            """;
    }

    private static string MessageDb(int k)
    {
        var prefix = k.ToString("x8", CultureInfo.InvariantCulture);
        var category = "split_part(stream_name, '-', 1)";
        return $"""
            INSERT INTO message_store.messages (id, stream_name, type, position, data, metadata, time)
            SELECT gen_random_uuid(),
                CASE WHEN {Renamed.Replace("category", category, StringComparison.Ordinal)} THEN {category} || '-{prefix}' || substr(stream_name, length({category}) + 10) ELSE stream_name || '.r{k}' END,
                type, position, data, metadata, time
            FROM message_store.messages WHERE global_position <= @seeded ORDER BY global_position
            """;
    }
}
