using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;

namespace TitleEval.Cases.EventStore.MessageDb;

/// <summary>
/// The production engine: PostgreSQL with Message DB 1.3.1. Events are written only through Message DB's
/// <c>write_message</c> and read with <c>get_stream_messages</c> / <c>get_category_messages</c>; reads across all
/// categories select from <c>message_store.messages</c> by global position, which Message DB has no function for.
/// </summary>
/// <remarks>
/// Message DB orders writes only within a category (its category advisory lock), so a reader by global position
/// could see position 12 of one category commit before position 11 of another and skip 11 for ever. Every append
/// here therefore first takes one store-wide transaction lock (<see cref="AppendLockKey"/>) and holds it to the commit:
/// positions are handed out and made visible in the same order [architecture.md §1]. Every writer must go through
/// this class; a foreign program calling write_message directly would bypass the lock.
/// </remarks>
public sealed class MessageDbEventStore : IEventStore, IAsyncDisposable, IDisposable
{
    /// <summary>The store-wide append lock: a fixed key ("titleeva" in ASCII), distinct from Message DB's md5-based category keys.</summary>
    public const long AppendLockKey = 0x7469746C65657661;

    private const long InitializeLockKey = AppendLockKey + 1;
    private const string SelectColumns = "global_position, id, stream_name, position, type, data::text, metadata::text, time";

    private readonly NpgsqlDataSource dataSource;
    private readonly AppendSignal appended = new();
    private readonly int maxEventSizeBytes;

    public MessageDbEventStore(EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            throw new ArgumentException("EventStore:PostgresConnectionString is required when EventStore:Engine is MessageDb.");
        }

        var builder = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
        // write_message refers to Message DB's objects unqualified.
        builder.SearchPath ??= "message_store,titleeval,public";
        // Measured (tests/TitleEval.Cases.Benchmarks --diagnose pg-appends): the pool's DISCARD ALL threw away the plans
        // cached inside write_message on every append, and unprepared statements were re-planned each time. Our code sets
        // no session state, so nothing leaks between pooled uses; subscriber handlers must not SET anything either.
        if (!options.PostgresConnectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        if (!options.PostgresConnectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 50;
            builder.AutoPrepareMinUsages = 2;
        }

        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        maxEventSizeBytes = options.MaxEventSizeBytes;
    }

    public string Engine => "messagedb";

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await Guard(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var check = new NpgsqlCommand(
                """
                SELECT (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'message_store' AND p.proname = 'write_message'),
                       (SELECT count(*) FROM pg_namespace WHERE nspname = 'titleeval')
                """,
                connection);
            await using (var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (reader.GetInt64(0) == 0)
                {
                    throw new InvalidOperationException("Message DB is not installed in this database: run eventstore/postgres/start.sh (development) or Message DB's database/install.sh (production).");
                }

                if (reader.GetInt64(1) == 0)
                {
                    throw new InvalidOperationException("Schema 'titleeval' is missing: run eventstore/postgres/titleeval-schema.sql as a superuser.");
                }
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({InitializeLockKey}); {EmbeddedSchema.Read("postgres-titleeval-tables.sql")}", connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT message_store.message_store_version()");
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
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

    public Task<StoredIdempotency?> ReadIdempotencyAsync(string key, CancellationToken cancellationToken = default)
    {
        return Guard(async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT key, request_hash, response, global_position, recorded_at FROM titleeval.idempotency_keys WHERE key = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredIdempotency(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4))
                : null;
        });
    }

    private async Task<AppendResult> AppendCoreAsync(IReadOnlyList<StreamAppend> appends, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        AppendValidation.Validate(appends, maxEventSizeBytes);
        if (idempotency is null && await TryAppendInOneRoundTripAsync(appends, cancellationToken).ConfigureAwait(false) is { } fast)
        {
            appended.Notify();
            return fast;
        }

        return await CheckedAppendAsync(appends, idempotency, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The common case in one round trip: a batch that PostgreSQL runs as one implicit transaction — the store-wide lock,
    /// then write_message for each event with its expected version (write_message checks it under its category lock),
    /// then the positions. The lock is held to the implicit commit, so positions still become visible in order. When
    /// write_message refuses (a version conflict or a stored event id) the whole batch rolls back and null sends the
    /// append down <see cref="CheckedAppendAsync"/>, which answers with the original positions or the typed error.
    /// </summary>
    private Task<AppendResult?> TryAppendInOneRoundTripAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken)
    {
        return Guard(async () =>
        {
            var ordered = OrderForLocking(appends);
            var ids = ordered.SelectMany(a => a.Events.Select(e => e.EventId)).ToArray();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({AppendLockKey})"));
            var written = new List<AppendedEvent>(ids.Length);
            foreach (var append in ordered)
            {
                long? expected = append.ExpectedVersion.IsAny ? null : append.ExpectedVersion.Value;
                foreach (var e in append.Events)
                {
                    batch.BatchCommands.Add(WriteMessage(append.Stream, e, expected));
                    written.Add(new AppendedEvent(e.EventId, append.Stream, 0, 0));
                    expected = expected + 1;
                }
            }

            var positions = new NpgsqlBatchCommand("SELECT id, position, global_position FROM message_store.messages WHERE id = ANY($1)");
            positions.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            batch.BatchCommands.Add(positions);

            var stored = new Dictionary<Guid, (long Version, long Position)>(ids.Length);
            try
            {
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i <= written.Count; i++)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }

                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    stored[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetInt64(2));
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation
                || (ex.SqlState == PostgresErrorCodes.RaiseException && ex.MessageText.StartsWith("Wrong expected version", StringComparison.Ordinal)))
            {
                return null;
            }

            return new AppendResult(written.Select(w => w with { Version = stored[w.EventId].Version, GlobalPosition = stored[w.EventId].Position }).ToArray(), AlreadyStored: false);
        });
    }

    private static StreamAppend[] OrderForLocking(IReadOnlyList<StreamAppend> appends) =>
        // Category locks in one fixed order [architecture.md §1]; the store-wide lock already excludes deadlocks among our writers.
        appends.OrderBy(a => a.Stream.Category, StringComparer.Ordinal).ThenBy(a => a.Stream.Value, StringComparer.Ordinal).ToArray();

    private static NpgsqlBatchCommand WriteMessage(StreamName stream, EventData e, long? expectedVersion)
    {
        var write = new NpgsqlBatchCommand("SELECT message_store.write_message($1, $2, $3, $4, $5, $6)");
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.EventId.ToString("D") });
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream.Value });
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Data, NpgsqlDbType = NpgsqlDbType.Jsonb });
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Metadata, NpgsqlDbType = NpgsqlDbType.Jsonb });
        write.Parameters.Add(new NpgsqlParameter { Value = expectedVersion is { } v ? v : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        return write;
    }

    /// <summary>
    /// Every check before any write, under the store-wide lock: stored ids (a retry answers with the original positions),
    /// then each stream's version, then the writes and, in the same transaction, the idempotency key.
    /// </summary>
    private Task<AppendResult> CheckedAppendAsync(IReadOnlyList<StreamAppend> appends, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        return Guard(async () =>
        {
            var ordered = OrderForLocking(appends);
            var ids = ordered.SelectMany(a => a.Events.Select(e => e.EventId)).ToArray();
            var streams = ordered.Select(a => a.Stream.Value).ToArray();

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // One round trip: take the lock, then look up stored ids and current versions.
            var stored = new Dictionary<Guid, (string Stream, long Version, long Position)>();
            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({AppendLockKey})"));
                var find = new NpgsqlBatchCommand("SELECT id, stream_name, position, global_position FROM message_store.messages WHERE id = ANY($1)");
                find.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
                batch.BatchCommands.Add(find);
                var version = new NpgsqlBatchCommand("SELECT s, message_store.stream_version(s) FROM unnest($1::varchar[]) AS s");
                version.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streams });
                batch.BatchCommands.Add(version);

                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    stored[reader.GetGuid(0)] = (reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    versions[reader.GetString(0)] = reader.IsDBNull(1) ? -1 : reader.GetInt64(1);
                }
            }

            if (stored.Count > 0)
            {
                return AlreadyStored(ordered, stored);
            }

            var written = new List<AppendedEvent>(ids.Length);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                foreach (var append in ordered)
                {
                    var actual = versions[append.Stream.Value];
                    if (!append.ExpectedVersion.IsMetBy(actual))
                    {
                        throw new WrongExpectedVersionException(append.Stream, append.ExpectedVersion, actual);
                    }

                    foreach (var e in append.Events)
                    {
                        // write_message checks the version again under its category lock.
                        batch.BatchCommands.Add(WriteMessage(append.Stream, e, actual));
                        actual++;
                        written.Add(new AppendedEvent(e.EventId, append.Stream, actual, 0));
                    }
                }

                var positions = new NpgsqlBatchCommand("SELECT id, global_position FROM message_store.messages WHERE id = ANY($1)");
                positions.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
                batch.BatchCommands.Add(positions);

                var globalPositions = new Dictionary<Guid, long>(ids.Length);
                await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    for (var i = 0; i < written.Count; i++)
                    {
                        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    }

                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        globalPositions[reader.GetGuid(0)] = reader.GetInt64(1);
                    }
                }

                for (var i = 0; i < written.Count; i++)
                {
                    written[i] = written[i] with { GlobalPosition = globalPositions[written[i].EventId] };
                }
            }

            var result = new AppendResult(written, AlreadyStored: false);
            if (idempotency is not null)
            {
                await using var key = new NpgsqlCommand("INSERT INTO titleeval.idempotency_keys (key, request_hash, response, global_position) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING", connection, transaction);
                key.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idempotency.Key });
                key.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idempotency.RequestHash });
                key.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idempotency.Response(result) });
                key.Parameters.Add(new NpgsqlParameter<long> { TypedValue = result.LastGlobalPosition });
                if (await key.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new IdempotencyKeyTakenException(idempotency.Key);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            appended.Notify();
            return result;
        });
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(StreamName stream, long fromVersion = 0, int maxCount = int.MaxValue, CancellationToken cancellationToken = default)
    {
        return Guard(async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT global_position, id::uuid, stream_name, position, type, data, metadata, time FROM message_store.get_stream_messages($1, $2, $3)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream.Value });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(0, fromVersion) });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxCount == int.MaxValue ? -1 : maxCount });
            return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        });
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int batchSize, CancellationToken cancellationToken = default)
    {
        return Guard(async () =>
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT {SelectColumns} FROM message_store.messages WHERE global_position > $1 ORDER BY global_position LIMIT $2");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterPosition });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batchSize });
            return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        });
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadCategoryAsync(string category, long afterPosition, int batchSize, CancellationToken cancellationToken = default)
    {
        if (!StreamName.IsCategory(category))
        {
            throw new InvalidStreamNameException(category, "A category starts with a lower-case letter followed by letters or digits.");
        }

        return Guard(async () =>
        {
            // get_category_messages' position is inclusive.
            await using var command = dataSource.CreateCommand(
                "SELECT global_position, id::uuid, stream_name, position, type, data, metadata, time FROM message_store.get_category_messages($1, $2, $3)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = category });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterPosition + 1 });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batchSize });
            return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        });
    }

    public Task<long> ReadHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        return Guard(async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT coalesce(max(global_position), 0) FROM message_store.messages");
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        });
    }

    public Task<long> ReadCheckpointAsync(string subscription, CancellationToken cancellationToken = default)
    {
        return Guard(async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT position FROM titleeval.subscription_checkpoints WHERE name = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscription });
            return (long?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0;
        });
    }

    public Task<int> ApplyNextBatchAsync(string subscription, int batchSize, SubscriptionBatchHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscription);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Guard(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            long checkpoint;
            await using (var claim = new NpgsqlBatch(connection, transaction))
            {
                var insert = new NpgsqlBatchCommand("INSERT INTO titleeval.subscription_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING");
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscription });
                var select = new NpgsqlBatchCommand("SELECT position FROM titleeval.subscription_checkpoints WHERE name = $1 FOR UPDATE");
                select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscription });
                claim.BatchCommands.Add(insert);
                claim.BatchCommands.Add(select);
                checkpoint = (long)(await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            IReadOnlyList<RecordedEvent> events;
            await using (var next = new NpgsqlCommand($"SELECT {SelectColumns} FROM message_store.messages WHERE global_position > $1 ORDER BY global_position LIMIT $2", connection, transaction))
            {
                next.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint });
                next.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batchSize });
                events = await ReadEventsAsync(next, cancellationToken).ConfigureAwait(false);
            }

            if (events.Count == 0)
            {
                return 0;
            }

            await handler(events, new SubscriberTransaction(connection, transaction, Engine), cancellationToken).ConfigureAwait(false);

            await using (var save = new NpgsqlCommand("UPDATE titleeval.subscription_checkpoints SET position = $2, updated_at = now() WHERE name = $1", connection, transaction))
            {
                save.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscription });
                save.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events[^1].GlobalPosition });
                await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return events.Count;
        });
    }

    public Task<int> ApplyNextBatchAsync(IReadOnlyList<string> subscriptions, int batchSize, SharedBatchHandler handler, CancellationToken cancellationToken = default, ReadAhead? readAhead = null)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Guard(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Rows locked in name order, so two callers with overlapping sets never wait on each other in a cycle.
            var names = subscriptions.ToArray();
            var checkpoints = new long[names.Length];
            await using (var claim = new NpgsqlBatch(connection, transaction))
            {
                var insert = new NpgsqlBatchCommand("INSERT INTO titleeval.subscription_checkpoints (name, position) SELECT unnest($1::text[]), 0 ON CONFLICT (name) DO NOTHING");
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
                var select = new NpgsqlBatchCommand("SELECT name, position FROM titleeval.subscription_checkpoints WHERE name = ANY($1) ORDER BY name FOR UPDATE");
                select.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
                claim.BatchCommands.Add(insert);
                claim.BatchCommands.Add(select);
                await using var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    checkpoints[Array.IndexOf(names, reader.GetString(0))] = reader.GetInt64(1);
                }
            }

            var events = readAhead?.BatchAfter(checkpoints.Min(), batchSize);
            if (events is null)
            {
                await using var next = new NpgsqlCommand($"SELECT {SelectColumns} FROM message_store.messages WHERE global_position > $1 ORDER BY global_position LIMIT $2", connection, transaction);
                next.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoints.Min() });
                next.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batchSize });
                events = await ReadEventsAsync(next, cancellationToken).ConfigureAwait(false);
            }

            if (events.Count == 0)
            {
                return 0;
            }

            await handler(events, checkpoints, new SubscriberTransaction(connection, transaction, Engine), cancellationToken).ConfigureAwait(false);

            await using (var save = new NpgsqlCommand("UPDATE titleeval.subscription_checkpoints SET position = greatest(position, $2), updated_at = now() WHERE name = ANY($1)", connection, transaction))
            {
                save.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
                save.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events[^1].GlobalPosition });
                await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return events.Count;
        });
    }

    public Task<System.Data.Common.DbConnection> OpenReadModelConnectionAsync(CancellationToken cancellationToken = default) =>
        Guard(async () => (System.Data.Common.DbConnection)await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false));

    public Task WaitForNewEventsAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) =>
        appended.WaitAsync(maxWait, cancellationToken);

    public void Dispose() => dataSource.Dispose();

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private static async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new RecordedEvent(
                EventId: reader.GetGuid(1),
                Stream: StreamName.FromStored(reader.GetString(2)),
                Version: reader.GetInt64(3),
                GlobalPosition: reader.GetInt64(0),
                Type: reader.GetString(4),
                Data: reader.IsDBNull(5) ? "{}" : reader.GetString(5),
                Metadata: reader.IsDBNull(6) ? "{}" : reader.GetString(6),
                // Message DB stores UTC in a timestamp without time zone.
                RecordedAt: new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc))));
        }

        return events;
    }

    private static AppendResult AlreadyStored(IReadOnlyList<StreamAppend> appends, Dictionary<Guid, (string Stream, long Version, long Position)> stored)
    {
        var found = new List<AppendedEvent>(stored.Count);
        foreach (var append in appends)
        {
            foreach (var e in append.Events)
            {
                if (!stored.TryGetValue(e.EventId, out var s))
                {
                    throw new EventIdConflictException(stored.Keys.First(), "the id is stored already but other events of this append are not; an append is retried whole or not at all.");
                }

                if (s.Stream != append.Stream.Value)
                {
                    throw new EventIdConflictException(e.EventId, $"the id is stored already in stream '{s.Stream}', not '{append.Stream}'.");
                }

                found.Add(new AppendedEvent(e.EventId, append.Stream, s.Version, s.Position));
            }
        }

        return new AppendResult(found, AlreadyStored: true);
    }

    /// <summary>Connection failures become <see cref="EventStoreUnavailableException"/>; server errors from a foreign writer are typed.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.RaiseException && ex.MessageText.StartsWith("Wrong expected version", StringComparison.Ordinal))
        {
            // Only a writer that bypasses the store-wide lock can race us here.
            throw new EventStoreUnavailableException($"Message DB refused a write that passed the version check: {ex.MessageText}. Is another program writing without the store-wide lock?", ex);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            throw new EventStoreUnavailableException($"PostgreSQL could not be reached: {ex.Message}", ex);
        }
    }
}
