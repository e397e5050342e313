using System.Data.Common;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Projections;

/// <summary>
/// What the projections applying one batch in one transaction share: the events parsed once, the prepared statements
/// (SQLite) and the queue of writes not yet sent (PostgreSQL). Profiling the rebuild showed each projection parsing
/// every event again, SQLite preparing every statement again per row and PostgreSQL paying one round trip per row;
/// this removes the three. The owner calls <see cref="FlushAsync"/> before the checkpoint is saved.
/// </summary>
public sealed class ProjectionWriter(SubscriberTransaction transaction) : IAsyncDisposable
{
    /// <summary>Writes sent to PostgreSQL in one round trip; bounds the memory the queue holds.</summary>
    private const int MaxQueued = 500;

    private readonly Dictionary<string, DbCommand> prepared = new(StringComparer.Ordinal);
    private readonly Dictionary<RecordedEvent, object> events = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<RecordedEvent, EventMetadata?> metadata = new(ReferenceEqualityComparer.Instance);
    private readonly bool queueWrites = transaction.Engine == "messagedb" && transaction.Connection.CanCreateBatch;
    private DbBatch? queued;

    public SubscriberTransaction Transaction { get; } = transaction;

    /// <summary>Stopwatch ticks spent parsing events and metadata (counted once per event, by whichever projection asked first).</summary>
    public long ParseTicks { get; private set; }

    /// <summary>Stopwatch ticks spent sending queued writes.</summary>
    public long FlushTicks { get; private set; }

    public object Event(RecordedEvent e)
    {
        if (!events.TryGetValue(e, out var parsed))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            parsed = EventSerialization.Deserialize(e);
            events[e] = parsed;
            ParseTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }

        return parsed;
    }

    /// <summary>Throws <see cref="System.Text.Json.JsonException"/> for unreadable metadata, every time it is asked.</summary>
    public EventMetadata? Metadata(RecordedEvent e)
    {
        if (!metadata.TryGetValue(e, out var parsed))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            parsed = EventSerialization.Metadata(e);
            metadata[e] = parsed;
            ParseTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }

        return parsed;
    }

    public async Task ExecuteAsync(string sql, IReadOnlyList<(string Name, object? Value)> parameters, CancellationToken cancellationToken)
    {
        if (queueWrites)
        {
            queued ??= NewBatch();
            var command = queued.CreateBatchCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            queued.BatchCommands.Add(command);
            if (queued.BatchCommands.Count >= MaxQueued)
            {
                await FlushAsync(cancellationToken);
            }

            return;
        }

        var statement = Prepared(sql, parameters);
        await statement.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Sends the queued writes; a read or the checkpoint must come after them.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (queued is { BatchCommands.Count: > 0 } batch)
        {
            queued = null;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await using (batch)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            FlushTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }
    }

    /// <summary>As <see cref="FlushAsync"/>, for <see cref="ProjectionBatch.Command"/> which hands out a command synchronously.</summary>
    public void Flush()
    {
        if (queued is { BatchCommands.Count: > 0 } batch)
        {
            queued = null;
            using (batch)
            {
                batch.ExecuteNonQuery();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in prepared.Values)
        {
            await command.DisposeAsync();
        }

        prepared.Clear();
        if (queued is not null)
        {
            await queued.DisposeAsync();
            queued = null;
        }
    }

    private DbBatch NewBatch()
    {
        var batch = Transaction.Connection.CreateBatch();
        batch.Transaction = Transaction.Transaction;
        return batch;
    }

    private DbCommand Prepared(string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            command = Transaction.CreateCommand(sql);
            prepared[sql] = command;
        }

        foreach (var (name, value) in parameters)
        {
            if (command.Parameters.Contains(name))
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
            }
            else
            {
                command.WithParameter(name, value);
            }
        }

        return command;
    }
}
