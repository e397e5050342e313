using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.EventStore.Audit;

namespace TitleEval.Cases.Api.Audit;

/// <summary>What the offline verifier found.</summary>
public sealed record AuditVerification(
    bool SignatureValid,
    bool Matches,
    long CheckpointSize,
    long LogSize,
    string LogRoot,
    long? FirstBadLeaf,
    string Finding,
    double Seconds,
    double CpuSeconds)
{
    public bool Ok => SignatureValid && Matches;

    public double LeavesPerSecond => Seconds > 0 ? LogSize / Seconds : 0;

    public double LeavesPerCpuSecond => CpuSeconds > 0 ? LogSize / CpuSeconds : 0;
}

/// <summary>
/// The inspector's offline check (api-docs/inspectors.md): reads every event straight from the store in global order,
/// recomputes each leaf and the Merkle root, and compares the root at the checkpoint's size with the signed one. The
/// service's own tree is not trusted for that: it is consulted only after a mismatch, to name the first leaf that
/// changed — and only once its leaf hashes are shown to rebuild the signed root themselves.
/// </summary>
public sealed class AuditVerifier(IEventStore store, AuditLeafEncoder encoder)
{
    public const int BatchSize = 10_000;

    public async Task<AuditVerification> VerifyAsync(AuditCheckpoint checkpoint, string publicKeyPem, string? storedTreeTable, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var signatureValid = CheckpointSigner.Verify(checkpoint, publicKeyPem);

        var tree = new StreamingMerkleRoot();
        byte[]? rootAtCheckpoint = checkpoint.TreeSize == 0 ? Merkle.EmptyRoot() : null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var leafHash = new byte[Merkle.HashSize];
        long after = 0;

        void Add(ReadOnlySpan<byte> leaf)
        {
            Merkle.LeafHash(hash, leaf, leafHash);
            tree.AddLeafHash(leafHash);
            if (tree.Count == checkpoint.TreeSize)
            {
                rootAtCheckpoint = tree.Root();
            }
        }

        if (store.Engine == "sqlite")
        {
            // The embedded store is read raw: data and metadata stay the UTF-8 bytes SQLite holds (what the leaf
            // hashes), never decoded to text and encoded back. The next batch is read while this one is hashed.
            await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
            var nextRaw = Task.Run(() => ReadSqliteBatch(connection, after), cancellationToken);
            while (true)
            {
                var rows = await nextRaw;
                if (rows.Count == 0)
                {
                    break;
                }

                after = rows[^1].Position;
                nextRaw = Task.Run(() => ReadSqliteBatch(connection, after), cancellationToken);
                foreach (var r in rows)
                {
                    Add(encoder.Encode(r.Position, r.Stream, r.Version, r.EventId, r.Type, r.RecordedAt, r.Data, r.Metadata));
                }
            }
        }
        else
        {
            // The next batch is read while this one is hashed: the two cores share the work.
            var next = store.ReadAllAsync(after, BatchSize, cancellationToken);
            while (true)
            {
                var events = await next;
                if (events.Count == 0)
                {
                    break;
                }

                after = events[^1].GlobalPosition;
                next = store.ReadAllAsync(after, BatchSize, cancellationToken);
                foreach (var e in events)
                {
                    Add(encoder.Encode(e));
                }
            }
        }

        var logRoot = Convert.ToHexStringLower(tree.Root());
        var matches = rootAtCheckpoint is not null && Convert.ToHexStringLower(rootAtCheckpoint) == checkpoint.RootHash;
        string finding;
        long? firstBad = null;
        if (!signatureValid)
        {
            finding = "The checkpoint's signature is not valid under the given public key: the checkpoint itself is forged or altered.";
        }
        else if (matches)
        {
            finding = tree.Count == checkpoint.TreeSize
                ? $"OK: the log's {tree.Count} events have the signed root."
                : $"OK: the log's first {checkpoint.TreeSize} events have the signed root, so today's log of {tree.Count} events extends the checkpoint (root {logRoot}).";
        }
        else
        {
            (firstBad, finding) = await LocateAsync(checkpoint, tree.Count, storedTreeTable, cancellationToken);
        }

        watch.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return new AuditVerification(signatureValid, matches, checkpoint.TreeSize, tree.Count, logRoot, firstBad, finding, watch.Elapsed.TotalSeconds, cpuSeconds);
    }

    /// <summary>
    /// Names the first leaf below the checkpoint's size that no longer matches. The stored leaf hashes are used only if
    /// they rebuild the signed root (then each is the hash signed for that leaf); the first index where the event's
    /// recomputed leaf differs from its signed hash is the tampered one.
    /// </summary>
    private async Task<(long? Leaf, string Finding)> LocateAsync(AuditCheckpoint checkpoint, long logSize, string? table, CancellationToken cancellationToken)
    {
        var shorter = logSize < checkpoint.TreeSize
            ? $" The log holds only {logSize} events, fewer than the checkpoint's {checkpoint.TreeSize}: events were removed."
            : string.Empty;
        if (table is null)
        {
            return (logSize < checkpoint.TreeSize ? logSize : null, $"TAMPERED: the log's first {checkpoint.TreeSize} events do not have the signed root.{shorter} No stored tree to locate the leaf.");
        }

        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        var signed = new StreamingMerkleRoot();
        long? firstDiff = null;
        (long Position, string Stream)? found = null;
        long? expectedPosition = null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var leafHash = new byte[Merkle.HashSize];
        long afterEvent = 0;
        long index = 0;
        var events = new List<RecordedEvent>();
        var cursor = 0;
        while (index < checkpoint.TreeSize)
        {
            var stored = await ReadStoredLeavesAsync(connection, table, index, Math.Min(BatchSize, checkpoint.TreeSize - index), cancellationToken);
            if (stored.Count == 0)
            {
                break;
            }

            foreach (var (storedHash, storedPosition) in stored)
            {
                signed.AddLeafHash(storedHash);
                if (firstDiff is null)
                {
                    if (cursor == events.Count)
                    {
                        events = [.. await store.ReadAllAsync(afterEvent, BatchSize, cancellationToken)];
                        cursor = 0;
                        afterEvent = events.Count > 0 ? events[^1].GlobalPosition : afterEvent;
                    }

                    if (cursor == events.Count)
                    {
                        firstDiff = index;
                        expectedPosition = storedPosition;
                    }
                    else
                    {
                        var e = events[cursor++];
                        Merkle.LeafHash(hash, encoder.Encode(e), leafHash);
                        if (!leafHash.AsSpan().SequenceEqual(storedHash))
                        {
                            firstDiff = index;
                            expectedPosition = storedPosition;
                            found = (e.GlobalPosition, e.Stream.ToString());
                        }
                    }
                }

                index++;
            }
        }

        if (signed.Count != checkpoint.TreeSize || Convert.ToHexStringLower(signed.Root()) != checkpoint.RootHash)
        {
            return (logSize < checkpoint.TreeSize ? logSize : null,
                $"TAMPERED: the log's first {checkpoint.TreeSize} events do not have the signed root.{shorter} The service's stored tree does not rebuild the signed root either " +
                "(it was altered or rebuilt from the altered log), so it cannot locate the leaf: compare with an earlier checkpoint or a copy of the log.");
        }

        if (firstDiff is null)
        {
            return (null, "TAMPERED: the log does not have the signed root, but every leaf matches the stored tree — report this to the operators.");
        }

        var now = found is { } f ? $"now the event at global position {f.Position} in stream {f.Stream}" : "now missing";
        return (firstDiff, $"TAMPERED: leaf {firstDiff} is the first that no longer matches the checkpoint (signed for the event at global position {expectedPosition}; {now}).{shorter}");
    }

    private readonly record struct RawEvent(long Position, Guid EventId, string Stream, long Version, string Type, byte[] Data, byte[] Metadata, long RecordedAt);

    /// <summary>One batch of the SQLite events table in global order, as stored (see eventstore/sqlite/schema.sql).</summary>
    private static List<RawEvent> ReadSqliteBatch(DbConnection connection, long after)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT global_position, event_id, stream_name, version, type, data, metadata, recorded_at FROM events WHERE global_position > @after ORDER BY global_position LIMIT @max";
        command.WithParameter("@after", after);
        command.WithParameter("@max", BatchSize);
        var rows = new List<RawEvent>(BatchSize);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new RawEvent(
                reader.GetInt64(0), Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetFieldValue<byte[]>(5), reader.GetFieldValue<byte[]>(6), reader.GetInt64(7)));
        }

        return rows;
    }

    private static async Task<List<(byte[] Hash, long Position)>> ReadStoredLeavesAsync(DbConnection connection, string table, long from, long count, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT hash, global_position FROM {table} WHERE level = 0 AND idx >= @from AND idx < @to ORDER BY idx";
        command.WithParameter("@from", from);
        command.WithParameter("@to", from + count);
        var result = new List<(byte[], long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(((byte[])reader.GetValue(0), reader.GetInt64(1)));
        }

        return result;
    }
}
