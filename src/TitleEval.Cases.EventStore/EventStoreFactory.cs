using TitleEval.Cases.EventStore.MessageDb;
using TitleEval.Cases.EventStore.Sqlite;

namespace TitleEval.Cases.EventStore;

public static class EventStoreFactory
{
    public static IEventStore Create(EventStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Engine switch
        {
            EventStoreEngine.Sqlite => new SqliteEventStore(options, timeProvider),
            EventStoreEngine.MessageDb => new MessageDbEventStore(options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Engine, "Unknown event store engine."),
        };
    }
}
