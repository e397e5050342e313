namespace TitleEval.Cases.EventStore;

/// <summary>Base of the store's typed errors. None of them leaves anything written.</summary>
public abstract class EventStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A stream was not at the version the writer expected; nothing of the append was written.</summary>
public sealed class WrongExpectedVersionException(StreamName stream, ExpectedVersion expected, long actual)
    : EventStoreException($"Stream '{stream}' is at version {actual}, but the append expected {expected}.")
{
    public StreamName Stream { get; } = stream;

    public ExpectedVersion Expected { get; } = expected;

    /// <summary>The stream's actual version, -1 when it does not exist.</summary>
    public long Actual { get; } = actual;
}

public sealed class InvalidStreamNameException(string? streamName, string reason)
    : EventStoreException($"Invalid stream name '{streamName}': {reason}")
{
    public string? StreamName { get; } = streamName;

    public string Reason { get; } = reason;
}

/// <summary>The append itself is malformed: non-JSON data, an empty type, no events, an id repeated.</summary>
public sealed class InvalidAppendException(string reason, Guid? eventId = null)
    : EventStoreException(eventId is null ? reason : $"Event {eventId}: {reason}")
{
    public Guid? EventId { get; } = eventId;

    public string Reason { get; } = reason;
}

public sealed class EventTooLargeException(Guid eventId, int sizeBytes, int limitBytes)
    : EventStoreException($"Event {eventId} is {sizeBytes} bytes of data and metadata; the limit is {limitBytes} bytes.")
{
    public Guid EventId { get; } = eventId;

    public int SizeBytes { get; } = sizeBytes;

    public int LimitBytes { get; } = limitBytes;
}

/// <summary>
/// Some but not all of the append's event ids are stored already, or one is stored in another stream or place:
/// this is not a retry of an earlier append, and writing it would duplicate or reorder history.
/// </summary>
public sealed class EventIdConflictException(Guid eventId, string reason)
    : EventStoreException($"Event {eventId}: {reason}")
{
    public Guid EventId { get; } = eventId;
}

/// <summary>The store could not be reached or answered with an error of its own.</summary>
public sealed class EventStoreUnavailableException(string message, Exception inner) : EventStoreException(message, inner);

/// <summary>Another append stored this idempotency key first (two requests raced with one key); nothing of this append was written.</summary>
public sealed class IdempotencyKeyTakenException(string key)
    : EventStoreException($"Idempotency key '{key}' is stored already.")
{
    public string Key { get; } = key;
}
