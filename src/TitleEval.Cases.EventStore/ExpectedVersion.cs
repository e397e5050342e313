namespace TitleEval.Cases.EventStore;

/// <summary>
/// What the writer believes about a stream before appending. Versions are zero-based: the first event
/// of a stream has version 0, so a stream with one event is at version 0 and an absent stream at -1
/// (Message DB's and EventStoreDB's convention).
/// </summary>
public readonly record struct ExpectedVersion
{
    private const long AnyValue = -2;
    private const long NoStreamValue = -1;

    private ExpectedVersion(long value) => Value = value;

    public long Value { get; }

    /// <summary>Append whatever the stream's version is.</summary>
    public static ExpectedVersion Any { get; } = new(AnyValue);

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(NoStreamValue);

    /// <summary>The stream's last event must have exactly this version.</summary>
    public static ExpectedVersion Exactly(long version) =>
        version >= 0 ? new(version) : throw new ArgumentOutOfRangeException(nameof(version), version, "An exact version is zero or more.");

    public bool IsAny => Value == AnyValue;

    /// <summary>True when a stream whose current version is <paramref name="actual"/> (-1 when absent) meets the expectation.</summary>
    public bool IsMetBy(long actual) => IsAny || Value == actual;

    public override string ToString() => Value switch
    {
        AnyValue => "any",
        NoStreamValue => "no stream",
        _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
