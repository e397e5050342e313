using System.Text;
using System.Text.Json;

namespace TitleEval.Cases.EventStore;

/// <summary>Checks an append before any I/O, identically for every engine, so bad input never reaches a database.</summary>
internal static class AppendValidation
{
    public const int MaxTypeLength = 100;

    public static void Validate(IReadOnlyList<StreamAppend> appends, int maxEventSizeBytes)
    {
        if (appends.Count == 0)
        {
            throw new InvalidAppendException("An append names at least one stream.");
        }

        var streams = new HashSet<StreamName>();
        var ids = new HashSet<Guid>();
        foreach (var append in appends)
        {
            if (append.Stream.Value is null)
            {
                throw new InvalidStreamNameException(null, "The stream name is empty.");
            }

            if (!streams.Add(append.Stream))
            {
                throw new InvalidAppendException($"Stream '{append.Stream}' appears twice in one append; put its events in one list.");
            }

            if (append.Events.Count == 0)
            {
                throw new InvalidAppendException($"The append to '{append.Stream}' has no events.");
            }

            foreach (var e in append.Events)
            {
                ValidateEvent(e, maxEventSizeBytes);
                if (!ids.Add(e.EventId))
                {
                    throw new InvalidAppendException("The event id appears twice in one append.", e.EventId);
                }
            }
        }
    }

    public static void Validate(IdempotencyRecord idempotency)
    {
        if (string.IsNullOrWhiteSpace(idempotency.Key) || idempotency.Key.Length > IdempotencyRecord.MaxKeyLength)
        {
            throw new InvalidAppendException($"An idempotency key is 1 to {IdempotencyRecord.MaxKeyLength} characters.");
        }
    }

    private static void ValidateEvent(EventData e, int maxEventSizeBytes)
    {
        if (e.EventId == Guid.Empty)
        {
            throw new InvalidAppendException("The event id is empty.");
        }

        if (string.IsNullOrWhiteSpace(e.Type) || e.Type.Length > MaxTypeLength)
        {
            throw new InvalidAppendException($"The event type must be 1 to {MaxTypeLength} characters.", e.EventId);
        }

        var size = Encoding.UTF8.GetByteCount(e.Data ?? string.Empty) + Encoding.UTF8.GetByteCount(e.Metadata ?? string.Empty);
        if (size > maxEventSizeBytes)
        {
            throw new EventTooLargeException(e.EventId, size, maxEventSizeBytes);
        }

        RequireJsonObject(e.Data, "data", e.EventId);
        RequireJsonObject(e.Metadata, "metadata", e.EventId);
    }

    private static void RequireJsonObject(string? json, string what, Guid eventId)
    {
        if (string.IsNullOrEmpty(json))
        {
            throw new InvalidAppendException($"The event {what} is empty; it must be a JSON object.", eventId);
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidAppendException($"The event {what} must be a JSON object.", eventId);
            }

            reader.Skip();
            if (reader.Read())
            {
                throw new InvalidAppendException($"The event {what} has text after its JSON object.", eventId);
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidAppendException($"The event {what} is not valid JSON: {ex.Message}", eventId);
        }
    }
}
