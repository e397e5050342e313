using System.Data.Common;
using System.Globalization;
using System.Text;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.EventStore.Audit;

namespace TitleEval.Cases.Api.Audit;

/// <summary>
/// The RFC 6962 Merkle tree over every event in global order (architecture.md §4). Leaf i is the i-th event's
/// <see cref="AuditLeafEncoder">audit leaf</see>. The table keeps every complete subtree's hash keyed by (level, index) —
/// level 0 are the leaf hashes, with the event's global position — so the root of any tree size and any inclusion or
/// consistency proof is computed from O(log n) stored nodes. Complete nodes never change, so each is written once, in
/// the batch whose last leaf completes it, with the projection's checkpoint.
/// </summary>
public sealed class AuditTreeProjection(IServiceProvider services) : IProjection
{
    // v2: on SQLite the nodes are the table's own b-tree (WITHOUT ROWID) rather than a rowid table plus an index on
    // (level, idx); the new name builds the new table from the log, with the same roots as before.
    public const string Table = "audit_tree_v2";
    public const string ProjectionName = "audit-tree-v2";

    public string Name => ProjectionName;

    public IReadOnlyList<string> Tables { get; } = [Table];

    public IEnumerable<string> CreateTables(ProjectionTables tables)
    {
        // BYTEA is PostgreSQL's binary type; SQLite stores the same byte[] as a blob under any declared type.
        var table = tables[Table];
        yield return $"""
            CREATE TABLE IF NOT EXISTS {table} (
                level INTEGER NOT NULL,
                idx BIGINT NOT NULL,
                hash BYTEA NOT NULL,
                global_position BIGINT NULL,
                PRIMARY KEY (level, idx)){(tables.OnPostgres ? string.Empty : " WITHOUT ROWID")}
            """;
    }

    /// <summary>An encoder whose person-key HMAC is resolved only when an applicant's event needs it.</summary>
    public AuditLeafEncoder NewEncoder() => new(actorId => services.GetRequiredService<PersonKeys>().KeyOf(actorId));

    /// <summary>A rebuild hashes the leaves of the next batch on the other core: encoding and hashing were a third of this projection's time.</summary>
    public Func<RecordedEvent, object>? NewPreparer()
    {
        var encoder = NewEncoder();
        return e => Merkle.LeafHash(encoder.Encode(e));
    }

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionBatch batch, CancellationToken cancellationToken)
    {
        var table = batch.Tables[Table];

        // Its reads below go past the batch's writer: whatever it still holds must reach the database first.
        await batch.Writer.FlushAsync(cancellationToken);
        var size = await AuditTreeReader.ReadSizeAsync(batch.Transaction.Connection, batch.Transaction.Transaction, batch.Tables, cancellationToken);

        // The right edge of the tree so far: the complete subtrees a new leaf's ancestors pair with.
        var known = await AuditTreeReader.ReadNodesAsync(batch.Transaction.Connection, batch.Transaction.Transaction, batch.Tables, Frontier(size), cancellationToken);
        var rows = new List<(int Level, long Index, byte[] Hash, long? Position)>(events.Count * 2);
        var encoder = NewEncoder();
        foreach (var e in events)
        {
            var hash = batch.Prepared(e) as byte[] ?? Merkle.LeafHash(encoder.Encode(e));
            var index = size++;
            rows.Add((0, index, hash, e.GlobalPosition));
            known[(0, index)] = hash;
            var level = 0;
            while ((index & 1) == 1)
            {
                hash = Merkle.NodeHash(known[(level, index - 1)], hash);
                level++;
                index >>= 1;
                rows.Add((level, index, hash, null));
                known[(level, index)] = hash;
            }
        }

        // Nodes are only ever added: COPY in a PostgreSQL rebuild, else a statement prepared once per batch on SQLite
        // (a multi-row INSERT's hundreds of named parameters bind slowly there), merged rows on PostgreSQL.
        foreach (var row in rows)
        {
            await batch.AppendAsync(table, cancellationToken, ("level", row.Level), ("idx", row.Index), ("hash", row.Hash), ("global_position", row.Position));
        }
    }

    /// <summary>The complete subtrees that make up a tree of <paramref name="size"/> leaves, largest (leftmost) first.</summary>
    public static IEnumerable<(int Level, long Index)> Frontier(long size)
    {
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((size & (1L << level)) != 0)
            {
                yield return (level, start >> level);
                start += 1L << level;
            }
        }
    }
}

/// <summary>
/// Reads the stored tree of the generation <c>tables</c> names: its size, nodes fetched in one query, and through them
/// roots and proofs.
/// </summary>
public static class AuditTreeReader
{
    public static async Task<long> ReadSizeAsync(DbConnection connection, DbTransaction? transaction, ProjectionTables tables, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT MAX(idx) FROM {tables[AuditTreeProjection.Table]} WHERE level = 0";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture) + 1;
    }

    public static async Task<Dictionary<(int Level, long Index), byte[]>> ReadNodesAsync(
        DbConnection connection, DbTransaction? transaction, ProjectionTables tables, IEnumerable<(int Level, long Index)> keys, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(int, long), byte[]>();
        var wanted = keys.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return result;
        }

        var table = tables[AuditTreeProjection.Table];
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        if (tables.OnPostgres)
        {
            // PostgreSQL: two arrays of keys, one statement whose text never changes (planned once, not per node count).
            command.CommandText = $"SELECT t.level, t.idx, t.hash FROM unnest(@levels, @indexes) AS k(level, idx) JOIN {table} t ON t.level = k.level AND t.idx = k.idx";
            command.WithParameter("@levels", wanted.Select(k => k.Level).ToArray());
            command.WithParameter("@indexes", wanted.Select(k => k.Index).ToArray());
            await using var keyed = await command.ExecuteReaderAsync(cancellationToken);
            while (await keyed.ReadAsync(cancellationToken))
            {
                result[(keyed.GetInt32(0), keyed.GetInt64(1))] = (byte[])keyed.GetValue(2);
            }

            return result;
        }

        // One point lookup per node, joined with UNION ALL: each is a primary-key probe on both engines, where an OR of
        // the same conditions can make SQLite scan the whole table.
        var sql = new StringBuilder();
        for (var i = 0; i < wanted.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : " UNION ALL ")}SELECT level, idx, hash FROM {table} WHERE level = @l{i} AND idx = @i{i}");
            command.WithParameter($"@l{i}", wanted[i].Level);
            command.WithParameter($"@i{i}", wanted[i].Index);
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetInt64(1))] = (byte[])reader.GetValue(2);
        }

        return result;
    }

    /// <summary>Runs a tree computation over stored nodes: first notes which nodes it reads, fetches them in one query, then computes.</summary>
    public static async Task<T> ComputeAsync<T>(DbConnection connection, ProjectionTables tables, Func<MerkleNodeSource, T> computation, CancellationToken cancellationToken)
    {
        var keys = MerkleTree.NodesRead(nodes => computation(nodes));
        var nodes = await ReadNodesAsync(connection, null, tables, keys, cancellationToken);
        return computation((level, index) => nodes.TryGetValue((level, index), out var hash)
            ? hash
            : throw new InvalidDataException($"The audit tree has no node at level {level}, index {index}."));
    }

    /// <summary>Leaf <paramref name="index"/>'s hash and the global position of its event, or null beyond the tree.</summary>
    public static async Task<(byte[] Hash, long Position)?> ReadLeafAsync(DbConnection connection, ProjectionTables tables, long index, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT hash, global_position FROM {tables[AuditTreeProjection.Table]} WHERE level = 0 AND idx = @index";
        command.WithParameter("@index", index);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ((byte[])reader.GetValue(0), reader.GetInt64(1)) : null;
    }
}
