using System.Globalization;
using Microsoft.Data.Sqlite;

namespace TitleEval.Cases.EventStore.Sqlite;

/// <summary>
/// The embedded engine: one SQLite file in WAL mode. SQLite has one writer at a time, so every write
/// (appends and subscriber batches) goes through one long-lived connection behind a gate; positions are
/// therefore assigned and committed in the same order, and a reader by global position never skips.
/// Reads use pooled connections and run beside the writer (WAL).
/// </summary>
public sealed class SqliteEventStore : IEventStore, IAsyncDisposable, IDisposable
{
    internal const string SelectColumns = "global_position, event_id, stream_name, version, type, data, metadata, recorded_at";

    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly AppendSignal appended = new();
    private readonly string connectionString;
    private readonly string synchronous;
    private readonly int maxEventSizeBytes;
    private readonly TimeProvider time;
    private SqliteConnection? writer;
    private WriterCommands? commands;

    public SqliteEventStore(EventStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        synchronous = options.SqliteSynchronous.ToUpperInvariant() switch
        {
            "FULL" or "EXTRA" or "NORMAL" or "OFF" => options.SqliteSynchronous.ToUpperInvariant(),
            _ => throw new ArgumentException($"EventStore:SqliteSynchronous must be FULL, EXTRA, NORMAL or OFF, not '{options.SqliteSynchronous}'."),
        };
        var path = Path.GetFullPath(options.SqlitePath);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        maxEventSizeBytes = options.MaxEventSizeBytes;
        this.time = time;
        DatabasePath = path;
    }

    public string Engine => "sqlite";

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        // Here, not in the constructor: a store is built when services are, and a failure belongs to initialization.
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await WithWriterAsync(
            async (connection, _, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = EmbeddedSchema.Read("sqlite-schema.sql");
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'events'";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 1;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default) =>
        AppendCoreAsync(appends, null, cancellationToken);

    public Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> appends, IdempotencyRecord idempotency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotency);
        AppendValidation.Validate(idempotency);
        return AppendCoreAsync(appends, idempotency, cancellationToken);
    }

    public async Task<StoredIdempotency?> ReadIdempotencyAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, request_hash, response, global_position, recorded_at FROM idempotency_keys WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredIdempotency(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), FromUnixMicroseconds(reader.GetInt64(4)))
            : null;
    }

    private async Task<AppendResult> AppendCoreAsync(IReadOnlyList<StreamAppend> appends, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        AppendValidation.Validate(appends, maxEventSizeBytes);
        var result = await WithWriterAsync(
            async (connection, c, ct) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                c.Enlist(transaction);

                var stored = await FindStoredAsync(c, appends, ct).ConfigureAwait(false);
                if (stored is not null)
                {
                    return stored;
                }

                var recordedAt = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
                var written = new List<AppendedEvent>(appends.Sum(a => a.Events.Count));
                foreach (var append in appends)
                {
                    c.StreamVersion.Parameters[0].Value = append.Stream.Value;
                    var actual = (long)(await c.StreamVersion.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                    if (!append.ExpectedVersion.IsMetBy(actual))
                    {
                        throw new WrongExpectedVersionException(append.Stream, append.ExpectedVersion, actual);
                    }

                    foreach (var e in append.Events)
                    {
                        actual++;
                        var p = c.Insert.Parameters;
                        p[0].Value = e.EventId.ToString("D");
                        p[1].Value = append.Stream.Value;
                        p[2].Value = append.Stream.Category;
                        p[3].Value = actual;
                        p[4].Value = e.Type;
                        p[5].Value = e.Data;
                        p[6].Value = e.Metadata;
                        p[7].Value = recordedAt;
                        var position = (long)(await c.Insert.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                        written.Add(new AppendedEvent(e.EventId, append.Stream, actual, position));
                    }
                }

                var result = new AppendResult(written, AlreadyStored: false);
                if (idempotency is not null)
                {
                    await using var key = connection.CreateCommand();
                    key.Transaction = transaction;
                    key.CommandText = "INSERT INTO idempotency_keys (key, request_hash, response, global_position, recorded_at) VALUES ($key, $hash, $response, $position, $at) ON CONFLICT (key) DO NOTHING";
                    key.Parameters.AddWithValue("$key", idempotency.Key);
                    key.Parameters.AddWithValue("$hash", idempotency.RequestHash);
                    key.Parameters.AddWithValue("$response", idempotency.Response(result));
                    key.Parameters.AddWithValue("$position", result.LastGlobalPosition);
                    key.Parameters.AddWithValue("$at", recordedAt);
                    if (await key.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                    {
                        throw new IdempotencyKeyTakenException(idempotency.Key);
                    }
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return result;
            },
            cancellationToken).ConfigureAwait(false);

        if (!result.AlreadyStored)
        {
            appended.Notify();
        }

        return result;
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(StreamName stream, long fromVersion = 0, int maxCount = int.MaxValue, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SelectColumns} FROM events WHERE stream_name = $stream AND version >= $from ORDER BY version LIMIT $max";
        command.Parameters.AddWithValue("$stream", stream.Value);
        command.Parameters.AddWithValue("$from", fromVersion);
        command.Parameters.AddWithValue("$max", maxCount);
        return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int batchSize, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SelectColumns} FROM events WHERE global_position > $after ORDER BY global_position LIMIT $max";
        command.Parameters.AddWithValue("$after", afterPosition);
        command.Parameters.AddWithValue("$max", batchSize);
        return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadCategoryAsync(string category, long afterPosition, int batchSize, CancellationToken cancellationToken = default)
    {
        RequireCategory(category);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SelectColumns} FROM events WHERE category = $category AND global_position > $after ORDER BY global_position LIMIT $max";
        command.Parameters.AddWithValue("$category", category);
        command.Parameters.AddWithValue("$after", afterPosition);
        command.Parameters.AddWithValue("$max", batchSize);
        return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> ReadHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(global_position), 0) FROM events";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<long> ReadCheckpointAsync(string subscription, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position FROM subscription_checkpoints WHERE name = $name";
        command.Parameters.AddWithValue("$name", subscription);
        return (long?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0;
    }

    public async Task<int> ApplyNextBatchAsync(string subscription, int batchSize, SubscriptionBatchHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscription);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return await WithWriterAsync(
            async (connection, _, ct) =>
            {
                // A subscriber's rows and checkpoint are derived from the log: on power loss they roll back together and
                // are applied again, so their commit need not wait for an fsync (WAL + NORMAL never corrupts, and the next
                // append's FULL commit syncs these frames too). Appends keep the configured durability.
                await SetSynchronousAsync(connection, "NORMAL", ct).ConfigureAwait(false);
                try
                {
                    return await ApplyBatchAsync(connection, subscription, batchSize, handler, ct).ConfigureAwait(false);
                }
                finally
                {
                    await SetSynchronousAsync(connection, synchronous, CancellationToken.None).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ApplyNextBatchAsync(IReadOnlyList<string> subscriptions, int batchSize, SharedBatchHandler handler, CancellationToken cancellationToken = default, ReadAhead? readAhead = null)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return await WithWriterAsync(
            async (connection, _, ct) =>
            {
                await SetSynchronousAsync(connection, "NORMAL", ct).ConfigureAwait(false);
                try
                {
                    return await ApplySharedBatchAsync(connection, subscriptions, batchSize, handler, readAhead, ct).ConfigureAwait(false);
                }
                finally
                {
                    await SetSynchronousAsync(connection, synchronous, CancellationToken.None).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> ApplySharedBatchAsync(SqliteConnection connection, IReadOnlyList<string> subscriptions, int batchSize, SharedBatchHandler handler, ReadAhead? readAhead, CancellationToken ct)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var checkpoints = new long[subscriptions.Count];
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT position FROM subscription_checkpoints WHERE name = $name";
            var name = read.Parameters.Add("$name", SqliteType.Text);
            for (var i = 0; i < subscriptions.Count; i++)
            {
                name.Value = subscriptions[i];
                checkpoints[i] = (long?)await read.ExecuteScalarAsync(ct).ConfigureAwait(false) ?? 0;
            }
        }

        var events = readAhead?.BatchAfter(checkpoints.Min(), batchSize);
        if (events is null)
        {
            await using var next = connection.CreateCommand();
            next.Transaction = transaction;
            next.CommandText = $"SELECT {SelectColumns} FROM events WHERE global_position > $after ORDER BY global_position LIMIT $max";
            next.Parameters.AddWithValue("$after", checkpoints.Min());
            next.Parameters.AddWithValue("$max", batchSize);
            events = await ReadEventsAsync(next, ct).ConfigureAwait(false);
        }

        if (events.Count == 0)
        {
            return 0;
        }

        await handler(events, checkpoints, new SubscriberTransaction(connection, transaction, Engine), ct).ConfigureAwait(false);

        await using (var save = connection.CreateCommand())
        {
            save.Transaction = transaction;
            save.CommandText = """
                INSERT INTO subscription_checkpoints (name, position, updated_at) VALUES ($name, $position, $at)
                ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position), updated_at = excluded.updated_at
                """;
            var name = save.Parameters.Add("$name", SqliteType.Text);
            save.Parameters.AddWithValue("$position", events[^1].GlobalPosition);
            save.Parameters.AddWithValue("$at", time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
            foreach (var subscription in subscriptions)
            {
                name.Value = subscription;
                await save.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return events.Count;
    }

    private static async Task SetSynchronousAsync(SqliteConnection connection, string level, CancellationToken cancellationToken)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous = {level}";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> ApplyBatchAsync(SqliteConnection connection, string subscription, int batchSize, SubscriptionBatchHandler handler, CancellationToken ct)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        long checkpoint;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT position FROM subscription_checkpoints WHERE name = $name";
            read.Parameters.AddWithValue("$name", subscription);
            checkpoint = (long?)await read.ExecuteScalarAsync(ct).ConfigureAwait(false) ?? 0;
        }

        IReadOnlyList<RecordedEvent> events;
        await using (var next = connection.CreateCommand())
        {
            next.Transaction = transaction;
            next.CommandText = $"SELECT {SelectColumns} FROM events WHERE global_position > $after ORDER BY global_position LIMIT $max";
            next.Parameters.AddWithValue("$after", checkpoint);
            next.Parameters.AddWithValue("$max", batchSize);
            events = await ReadEventsAsync(next, ct).ConfigureAwait(false);
        }

        if (events.Count == 0)
        {
            return 0;
        }

        await handler(events, new SubscriberTransaction(connection, transaction, Engine), ct).ConfigureAwait(false);

        await using (var save = connection.CreateCommand())
        {
            save.Transaction = transaction;
            save.CommandText = """
                INSERT INTO subscription_checkpoints (name, position, updated_at) VALUES ($name, $position, $at)
                ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                """;
            save.Parameters.AddWithValue("$name", subscription);
            save.Parameters.AddWithValue("$position", events[^1].GlobalPosition);
            save.Parameters.AddWithValue("$at", time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
            await save.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return events.Count;
    }

    public async Task<System.Data.Common.DbConnection> OpenReadModelConnectionAsync(CancellationToken cancellationToken = default) =>
        await OpenReaderAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Microsoft.Data.Sqlite prepares a new command's SQL on every execution; a command kept on a connection kept open
    /// is prepared once. A connection is taken from <see cref="preparedReaders"/> for one query and put back after it,
    /// so no two queries share one; any failure disposes it with its commands (the next query opens another).
    /// </summary>
    public async Task<T> QueryReadModelAsync<T>(
        string sql, IReadOnlyList<(string Name, object? Value)> parameters, Func<System.Data.Common.DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        var session = preparedReaders.TryTake(out var kept) ? kept : new PreparedReader(await OpenReaderAsync(cancellationToken).ConfigureAwait(false));
        var reusable = false;
        try
        {
            var command = session.Command(sql);
            command.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                command.WithParameter(name, value);
            }

            T result;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                result = await read(reader, cancellationToken).ConfigureAwait(false);
            }

            reusable = true;
            return result;
        }
        finally
        {
            if (reusable && preparedReaders.Count < PreparedReader.MaxKept)
            {
                preparedReaders.Add(session);
            }
            else
            {
                session.Dispose();
            }
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentBag<PreparedReader> preparedReaders = [];

    /// <summary>An open read connection and the commands prepared on it, by SQL text.</summary>
    private sealed class PreparedReader(SqliteConnection connection) : IDisposable
    {
        /// <summary>Connections kept between queries: more than the requests a 2-to-8-core service runs at once.</summary>
        public const int MaxKept = 16;

        // A generation switch gives a query new table names, so the texts seen grow slowly; past this many start again.
        private const int MaxCommands = 64;

        private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);

        public SqliteCommand Command(string sql)
        {
            if (!commands.TryGetValue(sql, out var command))
            {
                if (commands.Count >= MaxCommands)
                {
                    DisposeCommands();
                }

                command = connection.CreateCommand();
                command.CommandText = sql;
                command.Prepare();
                commands[sql] = command;
            }

            return command;
        }

        public void Dispose()
        {
            DisposeCommands();
            connection.Dispose();
        }

        private void DisposeCommands()
        {
            foreach (var command in commands.Values)
            {
                command.Dispose();
            }

            commands.Clear();
        }
    }

    public Task WaitForNewEventsAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) =>
        appended.WaitAsync(maxWait, cancellationToken);

    public void Dispose()
    {
        commands?.Dispose();
        writer?.Dispose();
        writeGate.Dispose();
        while (preparedReaders.TryTake(out var session))
        {
            session.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal static void RequireCategory(string category)
    {
        if (!StreamName.IsCategory(category))
        {
            throw new InvalidStreamNameException(category, "A category starts with a lower-case letter followed by letters or digits.");
        }
    }

    internal async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    internal static async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new RecordedEvent(
                EventId: Guid.Parse(reader.GetString(1)),
                Stream: StreamName.FromStored(reader.GetString(2)),
                Version: reader.GetInt64(3),
                GlobalPosition: reader.GetInt64(0),
                Type: reader.GetString(4),
                Data: reader.GetString(5),
                Metadata: reader.GetString(6),
                RecordedAt: FromUnixMicroseconds(reader.GetInt64(7))));
        }

        return events;
    }

    private static DateTimeOffset FromUnixMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

    /// <summary>
    /// When every event id of the append is stored already, the append is a retry: answer with the original
    /// positions. When only some are, or one sits in another stream, it is a different append reusing ids.
    /// </summary>
    private static async Task<AppendResult?> FindStoredAsync(WriterCommands c, IReadOnlyList<StreamAppend> appends, CancellationToken ct)
    {
        List<AppendedEvent>? found = null;
        var missing = 0;
        Guid? firstMissing = null;
        foreach (var append in appends)
        {
            foreach (var e in append.Events)
            {
                c.FindEvent.Parameters[0].Value = e.EventId.ToString("D");
                await using var reader = await c.FindEvent.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    missing++;
                    firstMissing ??= e.EventId;
                    continue;
                }

                var stream = reader.GetString(0);
                if (stream != append.Stream.Value)
                {
                    throw new EventIdConflictException(e.EventId, $"the id is stored already in stream '{stream}', not '{append.Stream}'.");
                }

                (found ??= []).Add(new AppendedEvent(e.EventId, append.Stream, reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        if (found is null)
        {
            return null;
        }

        if (missing > 0)
        {
            throw new EventIdConflictException(found[0].EventId, "the id is stored already but other events of this append are not; an append is retried whole or not at all.");
        }

        return new AppendResult(found, AlreadyStored: true);
    }

    private async Task<T> WithWriterAsync<T>(Func<SqliteConnection, WriterCommands, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (writer is null)
            {
                var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (var pragma = connection.CreateCommand())
                {
                    // WAL lets readers run beside the writer; synchronous=FULL syncs the WAL on every commit [architecture.md §4].
                    pragma.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 30000;";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                writer = connection;
                commands = new WriterCommands(connection);
            }

            try
            {
                return await work(writer, commands!, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is 10 or 11 or 13 or 14 or 26)
            {
                // I/O error, corrupt file, disk full, cannot open, not a database: drop the connection so the next call reopens.
                ResetWriter();
                throw new EventStoreUnavailableException($"The SQLite store at '{DatabasePath}' failed: {ex.Message}", ex);
            }
        }
        finally
        {
            writeGate.Release();
        }
    }

    private void ResetWriter()
    {
        commands?.Dispose();
        writer?.Dispose();
        commands = null;
        writer = null;
    }

    /// <summary>Prepared statements kept for the writer connection's life; SQLite re-prepares nothing per append.</summary>
    private sealed class WriterCommands : IDisposable
    {
        public WriterCommands(SqliteConnection connection)
        {
            FindEvent = Command(connection, "SELECT stream_name, version, global_position FROM events WHERE event_id = $id", "$id");
            StreamVersion = Command(connection, "SELECT coalesce(max(version), -1) FROM events WHERE stream_name = $stream", "$stream");
            Insert = Command(
                connection,
                "INSERT INTO events (event_id, stream_name, category, version, type, data, metadata, recorded_at) VALUES ($id, $stream, $category, $version, $type, $data, $metadata, $at) RETURNING global_position",
                "$id", "$stream", "$category", "$version", "$type", "$data", "$metadata", "$at");
        }

        public SqliteCommand FindEvent { get; }

        public SqliteCommand StreamVersion { get; }

        public SqliteCommand Insert { get; }

        public void Enlist(SqliteTransaction transaction)
        {
            FindEvent.Transaction = transaction;
            StreamVersion.Transaction = transaction;
            Insert.Transaction = transaction;
        }

        public void Dispose()
        {
            FindEvent.Dispose();
            StreamVersion.Dispose();
            Insert.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }
    }
}
