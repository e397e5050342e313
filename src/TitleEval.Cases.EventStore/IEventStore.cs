using System.Data.Common;

namespace TitleEval.Cases.EventStore;

public interface IEventReader
{
    /// <summary>Events of one stream in version order, starting at <paramref name="fromVersion"/> (inclusive).</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(StreamName stream, long fromVersion = 0, int maxCount = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="batchSize"/> events of every category in global order, after <paramref name="afterPosition"/> (exclusive; 0 reads from the start).</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int batchSize, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="batchSize"/> events of one category in global order, after <paramref name="afterPosition"/> (exclusive).</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadCategoryAsync(string category, long afterPosition, int batchSize, CancellationToken cancellationToken = default);

    /// <summary>The global position of the last stored event; 0 when the store is empty.</summary>
    Task<long> ReadHeadPositionAsync(CancellationToken cancellationToken = default);
}

public interface IEventWriter
{
    /// <summary>
    /// Appends to one or more streams atomically: either every stream's expectation holds and all events are written,
    /// or a typed <see cref="EventStoreException"/> is thrown and nothing is written. Appending event ids that are all
    /// stored already is a no-op that returns their original positions.
    /// </summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="AppendAsync(IReadOnlyList{StreamAppend}, CancellationToken)"/>, and in the same transaction stores
    /// <paramref name="idempotency"/> (an HTTP <c>Idempotency-Key</c> with the request's hash and the response to replay),
    /// so a key is recorded if and only if its events are. A key stored already throws <see cref="IdempotencyKeyTakenException"/>.
    /// </summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> appends, IdempotencyRecord idempotency, CancellationToken cancellationToken = default);

    /// <summary>The stored record of an idempotency key, or null when the key was never used.</summary>
    Task<StoredIdempotency?> ReadIdempotencyAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>The handler of one batch of a catch-up subscription; it writes its read-model rows through <paramref name="transaction"/>.</summary>
public delegate Task SubscriptionBatchHandler(IReadOnlyList<RecordedEvent> events, SubscriberTransaction transaction, CancellationToken cancellationToken);

/// <summary>
/// Events read from the log after <paramref name="After"/> ahead of their batch. Stored events never change and the
/// log is read in global order, so the events a later read would return after the same position begin with these.
/// </summary>
public sealed record ReadAhead(long After, IReadOnlyList<RecordedEvent> Events)
{
    /// <summary>
    /// The batch of at most <paramref name="batchSize"/> events after <paramref name="lowestCheckpoint"/>, when these
    /// events were read from exactly there; otherwise null, and the batch is read from the log.
    /// </summary>
    public IReadOnlyList<RecordedEvent>? BatchAfter(long lowestCheckpoint, int batchSize) =>
        Events.Count == 0 || After != lowestCheckpoint ? null
        : Events.Count <= batchSize ? Events
        : Events.Take(batchSize).ToArray();
}

/// <summary>
/// The handler of one batch shared by several subscriptions: <paramref name="checkpoints"/>[i] is where subscription i
/// stood, so it applies only the events after it; all write through <paramref name="transaction"/>.
/// </summary>
public delegate Task SharedBatchHandler(IReadOnlyList<RecordedEvent> events, IReadOnlyList<long> checkpoints, SubscriberTransaction transaction, CancellationToken cancellationToken);

public interface IEventStore : IEventReader, IEventWriter
{
    /// <summary>"sqlite" or "messagedb".</summary>
    string Engine { get; }

    /// <summary>Creates the store's own tables if they are missing. Safe to call on every start and from several instances.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the store answers a trivial query.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>The last global position subscription <paramref name="subscription"/> has applied; 0 when it has not started.</summary>
    Task<long> ReadCheckpointAsync(string subscription, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the next batch after the subscription's checkpoint and, in one database transaction, lets
    /// <paramref name="handler"/> write its rows and moves the checkpoint past the batch. If the handler throws, or
    /// the process dies before the commit, neither the rows nor the checkpoint are kept: the batch is applied
    /// again from the old checkpoint, so every event is applied exactly once. Concurrent callers for the same
    /// subscription are serialised on the checkpoint row. Returns the number of events applied (0 when caught up).
    /// </summary>
    Task<int> ApplyNextBatchAsync(string subscription, int batchSize, SubscriptionBatchHandler handler, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ApplyNextBatchAsync(string, int, SubscriptionBatchHandler, CancellationToken)"/> for several
    /// subscriptions at once — one read of the log feeding all of them (a rebuild of every projection): reads the next
    /// batch after the lowest of their checkpoints and, in one transaction, lets <paramref name="handler"/> write and
    /// moves every checkpoint to the batch's end (a checkpoint already past it stays). Returns the number of events
    /// read (0 when every subscription has caught up). When <paramref name="readAhead"/> holds events read right after the
    /// lowest checkpoint (by a read made while the previous batch was applied), they are the batch and the log is not
    /// read again; otherwise it is ignored.
    /// </summary>
    Task<int> ApplyNextBatchAsync(IReadOnlyList<string> subscriptions, int batchSize, SharedBatchHandler handler, CancellationToken cancellationToken = default, ReadAhead? readAhead = null);

    /// <summary>An open connection to the store's database, for queries over read models that subscribers wrote (the caller disposes it).</summary>
    Task<DbConnection> OpenReadModelConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one read-model query, binding <paramref name="parameters"/> by name (null as SQL NULL), and hands its reader to
    /// <paramref name="read"/>, which must not keep it. For the point queries that run on every request: on SQLite the
    /// statement stays prepared on one of a few connections the store keeps for this (preparing it was two thirds of
    /// an integrity check's SQLite time); PostgreSQL gets the same from Npgsql's automatic preparation on any connection.
    /// </summary>
    async Task<T> QueryReadModelAsync<T>(
        string sql, IReadOnlyList<(string Name, object? Value)> parameters, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadModelConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.WithParameter(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await read(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A read-model table's qualified name in this engine (see <see cref="SubscriberTransaction.Table"/>).</summary>
    string Table(string name) => Engine == "messagedb" ? $"titleeval.{name}" : name;

    /// <summary>Returns when an append through this instance commits, or after <paramref name="maxWait"/> (appends by other processes are seen by polling).</summary>
    Task WaitForNewEventsAsync(TimeSpan maxWait, CancellationToken cancellationToken = default);
}

/// <summary>The open transaction a subscriber writes through: the same database, the same commit as its checkpoint.</summary>
public sealed class SubscriberTransaction(DbConnection connection, DbTransaction transaction, string engine)
{
    public DbConnection Connection { get; } = connection;

    public DbTransaction Transaction { get; } = transaction;

    /// <summary>"sqlite" or "messagedb", for the rare statement whose SQL differs.</summary>
    public string Engine { get; } = engine;

    /// <summary>A read-model table's qualified name: on PostgreSQL our tables live in schema <c>titleeval</c>, beside Message DB's.</summary>
    public string Table(string name) => Engine == "messagedb" ? $"titleeval.{name}" : name;

    public DbCommand CreateCommand(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }
}

public static class EventWriterExtensions
{
    public static Task<AppendResult> AppendAsync(this IEventWriter writer, StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
        writer.AppendAsync([new StreamAppend(stream, expected, events)], cancellationToken);
}
