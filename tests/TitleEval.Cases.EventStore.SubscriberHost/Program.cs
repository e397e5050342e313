using TitleEval.Cases.EventStore;

// A subscriber in its own process, so a test can kill it for real (SIGKILL) in the middle of a batch:
// it commits batches normally until batch number <hang-on-batch>, whose rows it writes and then waits,
// transaction open, for the kill. Output: "HANGING <first position> <last position>" when it is ready to die.
// Usage: SubscriberHost <sqlite|messagedb> <path-or-connection-string> <subscription> <batch-size> <hang-on-batch>
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: SubscriberHost <sqlite|messagedb> <path-or-connection-string> <subscription> <batch-size> <hang-on-batch>");
    return 2;
}

var options = args[0] == "sqlite"
    ? new EventStoreOptions { Engine = EventStoreEngine.Sqlite, SqlitePath = args[1] }
    : new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = args[1] };
var subscription = args[2];
var batchSize = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
var hangOnBatch = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);

var store = EventStoreFactory.Create(options, TimeProvider.System);
var batch = 0;
while (true)
{
    var applied = await store.ApplyNextBatchAsync(subscription, batchSize, async (events, tx, ct) =>
    {
        batch++;
        await AppliedEvents.WriteAsync(events, tx, subscription, ct);
        if (batch == hangOnBatch)
        {
            Console.WriteLine($"HANGING {events[0].GlobalPosition} {events[^1].GlobalPosition}");
            await Console.Out.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
        }
    });
    if (applied == 0)
    {
        Console.WriteLine("CAUGHT-UP");
        return 0;
    }
}

/// <summary>The test subscriber's read model: one row per applied event, so a duplicate or a gap is visible.</summary>
public static class AppliedEvents
{
    public static async Task EnsureTableAsync(SubscriberTransaction tx, CancellationToken ct)
    {
        await using var create = tx.CreateCommand($"CREATE TABLE IF NOT EXISTS {tx.Table("applied_events")} (subscription TEXT NOT NULL, global_position BIGINT NOT NULL, event_id TEXT NOT NULL)");
        await create.ExecuteNonQueryAsync(ct);
    }

    public static async Task WriteAsync(IReadOnlyList<RecordedEvent> events, SubscriberTransaction tx, string subscription, CancellationToken ct)
    {
        await EnsureTableAsync(tx, ct);
        foreach (var e in events)
        {
            await using var insert = tx.CreateCommand($"INSERT INTO {tx.Table("applied_events")} (subscription, global_position, event_id) VALUES (@s, @p, @id)");
            AddParameter(insert, "@s", subscription);
            AddParameter(insert, "@p", e.GlobalPosition);
            AddParameter(insert, "@id", e.EventId.ToString("D"));
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
