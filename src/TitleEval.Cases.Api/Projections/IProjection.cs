using System.Data.Common;
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
}

/// <summary>The table names of one generation of a projection, qualified for the engine.</summary>
public sealed class ProjectionTables(IEventStore store, int generation)
{
    public int Generation { get; } = generation;

    public string this[string table] => store.Table($"{table}_g{Generation}");
}

/// <summary>One batch being applied: the transaction to write through and the generation's table names.</summary>
public sealed class ProjectionBatch(SubscriberTransaction transaction, ProjectionTables tables)
{
    public SubscriberTransaction Transaction { get; } = transaction;

    public ProjectionTables Tables { get; } = tables;

    public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Transaction.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.WithParameter(name, value);
        }

        return command;
    }
}
