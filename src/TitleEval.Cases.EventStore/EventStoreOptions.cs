namespace TitleEval.Cases.EventStore;

/// <summary>Configuration section <c>EventStore</c>.</summary>
public sealed class EventStoreOptions
{
    public const string SectionName = "EventStore";

    /// <summary><c>Sqlite</c> (the embedded default) or <c>MessageDb</c> (PostgreSQL with Message DB).</summary>
    public EventStoreEngine Engine { get; set; } = EventStoreEngine.Sqlite;

    /// <summary>The SQLite database file; its folder is created when missing.</summary>
    public string SqlitePath { get; set; } = "./data/titleeval.db";

    /// <summary>SQLite's <c>synchronous</c> pragma. FULL (the default) makes every commit durable on power loss.</summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    /// <summary>Npgsql connection string for the Message DB database (role <c>message_store</c>).</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The most bytes (UTF-8) an event's data and metadata may take together.</summary>
    public int MaxEventSizeBytes { get; set; } = 256 * 1024;
}

public enum EventStoreEngine
{
    Sqlite,
    MessageDb,
}
