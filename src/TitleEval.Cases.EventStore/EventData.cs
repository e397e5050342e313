namespace TitleEval.Cases.EventStore;

/// <summary>An event to append. <paramref name="Type"/> is the persisted type name (e.g. <c>application-submitted.v1</c>),
/// never a C# class name; <paramref name="Data"/> and <paramref name="Metadata"/> are JSON objects.</summary>
public sealed record EventData(Guid EventId, string Type, string Data, string Metadata);

/// <summary>The events for one stream in a (possibly multi-stream) atomic append.</summary>
public sealed record StreamAppend(StreamName Stream, ExpectedVersion ExpectedVersion, IReadOnlyList<EventData> Events);

/// <summary>An event as stored: where it sits in its stream (<see cref="Version"/>) and in the store (<see cref="GlobalPosition"/>).</summary>
public sealed record RecordedEvent(
    Guid EventId,
    StreamName Stream,
    long Version,
    long GlobalPosition,
    string Type,
    string Data,
    string Metadata,
    DateTimeOffset RecordedAt);

/// <summary>The position one appended (or already stored) event was given.</summary>
public readonly record struct AppendedEvent(Guid EventId, StreamName Stream, long Version, long GlobalPosition);

/// <summary>
/// What an append wrote. When every event id was already stored, nothing new is written,
/// <see cref="AlreadyStored"/> is true and the events carry their original positions.
/// </summary>
public sealed record AppendResult(IReadOnlyList<AppendedEvent> Events, bool AlreadyStored)
{
    /// <summary>The highest global position written by (or found for) this append.</summary>
    public long LastGlobalPosition => Events.Count == 0 ? 0 : Events.Max(e => e.GlobalPosition);

    /// <summary>The version a stream is at after this append, for the next expected version.</summary>
    public long VersionOf(StreamName stream) => Events.Where(e => e.Stream == stream).Max(e => e.Version);
}

/// <summary>
/// An idempotency key to store with an append. <paramref name="Response"/> makes the response to replay once the
/// append's positions are known.
/// </summary>
public sealed record IdempotencyRecord(string Key, string RequestHash, Func<AppendResult, string> Response)
{
    public const int MaxKeyLength = 200;
}

/// <summary>A stored idempotency key: the hash of the request that used it first and the response it got.</summary>
public sealed record StoredIdempotency(string Key, string RequestHash, string Response, long GlobalPosition, DateTimeOffset RecordedAt);
