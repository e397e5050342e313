using System.Data.Common;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Projections;

/// <summary>
/// A read model built from the global order by a named subscription. Its rows are written through the batch's
/// transaction, which also moves its checkpoint, so a crash never applies an event twice or skips one. Row ids derive
/// from stream and version, so a rebuild gives identical rows.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: part of the subscription and table names.</summary>
    string Name { get; }

    /// <summary>The base names of the tables it owns; each generation gets its own copies (<c>{table}_g{n}</c>).</summary>
    IReadOnlyList<string> Tables { get; }

    /// <summary>DDL for one generation's tables, idempotent (<c>CREATE … IF NOT EXISTS</c>), valid on SQLite and PostgreSQL.</summary>
    IEnumerable<string> CreateTables(ProjectionTables tables);

    Task ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// True (the default) lets a rebuild create the plain <c>CREATE INDEX</c> statements of <see cref="CreateTables"/>
    /// only after its load. A projection whose batches look rows up through such an index answers false, or every
    /// lookup during the rebuild would scan the table.
    /// </summary>
    bool DeferIndexesDuringRebuild => true;

    /// <summary>
    /// Per-event work that needs no database (hashing, say), for a rebuild to run on the other core while the previous
    /// batch is written; <see cref="ProjectionBatch.Prepared"/> hands the results to <see cref="ApplyAsync"/>. Null (the
    /// default) when there is none. The function is called by one thread at a time and must not depend on earlier batches.
    /// </summary>
    Func<RecordedEvent, object>? NewPreparer() => null;
}

/// <summary>The table names of one generation of a projection, qualified for the engine.</summary>
public sealed class ProjectionTables(IEventStore store, int generation)
{
    public int Generation { get; } = generation;

    public string this[string table] => store.Table(Bare(table));

    /// <summary>The generation's table name without PostgreSQL's schema, for naming its indexes (which live in their table's schema).</summary>
    public string Bare(string table) => $"{table}_g{Generation}";

    /// <summary>Whether the tables live in PostgreSQL (Message DB's database), for DDL that differs by engine.</summary>
    public bool OnPostgres => store.Engine == "messagedb";
}

/// <summary>
/// One projection's view of a batch being applied: the transaction to write through (shared with the other projections
/// applying the same events, see <see cref="ProjectionWriter"/>) and the generation's table names.
/// </summary>
public sealed class ProjectionBatch
{
    public ProjectionBatch(SubscriberTransaction transaction, ProjectionTables tables)
        : this(new ProjectionWriter(transaction), tables)
    {
    }

    public ProjectionBatch(ProjectionWriter writer, ProjectionTables tables)
    {
        Writer = writer;
        Tables = tables;
    }

    public ProjectionWriter Writer { get; }

    public SubscriberTransaction Transaction => Writer.Transaction;

    public ProjectionTables Tables { get; }

    /// <summary>What the projection's <see cref="IProjection.NewPreparer"/> made of the batch's events ahead of it, if a rebuild's read ahead ran.</summary>
    public IReadOnlyDictionary<RecordedEvent, object>? PreparedEvents { get; init; }

    /// <summary>The prepared result for <paramref name="e"/>, or null when it must be computed here.</summary>
    public object? Prepared(RecordedEvent e) => PreparedEvents is { } prepared && prepared.TryGetValue(e, out var value) ? value : null;

    /// <summary>
    /// A new command in the batch's transaction, for reads and for writes whose result the caller needs. Writes queued by
    /// <see cref="ExecuteAsync"/> are sent first, so the command sees them.
    /// </summary>
    public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        Writer.Flush();
        var command = Transaction.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.WithParameter(name, value);
        }

        return command;
    }

    /// <summary>
    /// A write whose row count nobody reads: the fast path. On SQLite the statement is prepared once per batch and reused;
    /// on PostgreSQL writes are queued and sent many to a round trip, in order, before any read and before the checkpoint.
    /// </summary>
    public Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        Writer.ExecuteAsync(sql, parameters, cancellationToken);

    /// <summary>
    /// A row of an insert-only table whose key derives from its event (named columns and their values): binary COPY
    /// when a generation is rebuilt on PostgreSQL, else <c>INSERT … ON CONFLICT DO NOTHING</c> by <see cref="ExecuteAsync"/>'s
    /// fast path. In order with the batch's other statements and reads either way; see <see cref="ProjectionWriter.AppendAsync"/>.
    /// </summary>
    public Task AppendAsync(string table, CancellationToken cancellationToken, params (string Column, object? Value)[] row) =>
        Writer.AppendAsync(table, row, cancellationToken);

    /// <summary>A single value read in the batch's transaction, after the queued writes.</summary>
    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await Writer.FlushAsync(cancellationToken);
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    /// <summary>The domain event of <paramref name="e"/>, parsed once per batch however many projections ask.</summary>
    public object Event(RecordedEvent e) => Writer.Event(e);

    /// <summary>The metadata of <paramref name="e"/>, parsed once per batch however many projections ask.</summary>
    public EventMetadata? Metadata(RecordedEvent e) => Writer.Metadata(e);
}
