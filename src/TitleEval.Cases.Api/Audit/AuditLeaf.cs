using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Audit;

/// <summary>The fields one audit leaf commits to, as an inspector reads them back (api-docs/inspectors.md, "Leaf format v1").</summary>
public sealed record AuditLeafFields(
    int FormatVersion,
    long GlobalPosition,
    string Stream,
    long StreamVersion,
    Guid EventId,
    string EventType,
    long RecordedAtMicroseconds,
    string? ActorId,
    string? ActorRole,
    string? ActorOrganisation,
    string? ClientId,
    string? CorrelationId,
    string? CausationId,
    string DataSha256,
    string MetadataSha256);

/// <summary>
/// The canonical bytes of an event's audit leaf, format v1: the audit fields, length-prefixed so that no two events
/// share bytes, and SHA-256 of the event's data and metadata as stored — the facts are committed to without being
/// copied, so a leaf holds no personal data. An applicant's actor id (which may contain a resident ID) is replaced by
/// its keyed <c>person-key:</c> HMAC. Not thread-safe: one encoder per batch or verifier, reusing its buffers.
/// </summary>
public sealed class AuditLeafEncoder(Func<string, string> personKeyOf)
{
    public const byte FormatVersion = 1;
    public const string PersonKeyPrefix = "person-key:";

    private static readonly byte[] ActorIdName = "actorId"u8.ToArray();
    private static readonly byte[] ActorRoleName = "actorRole"u8.ToArray();
    private static readonly byte[] ActorOrganisationName = "actorOrganisation"u8.ToArray();
    private static readonly byte[] ClientIdName = "clientId"u8.ToArray();
    private static readonly byte[] CorrelationIdName = "correlationId"u8.ToArray();
    private static readonly byte[] CausationIdName = "causationId"u8.ToArray();

    // An applicant acts several times; their key is computed once per encoder (bounded, so a huge log cannot exhaust memory).
    private readonly Dictionary<string, string> personKeys = new(StringComparer.Ordinal);
    private byte[] leaf = new byte[1024];
    private byte[] text = new byte[4096];
    private byte[] dataText = new byte[4096];
    private int length;

    public AuditLeafEncoder(PersonKeys keys)
        : this(keys.KeyOf)
    {
    }

    /// <summary>The leaf bytes of <paramref name="e"/>; valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(RecordedEvent e)
    {
        var metadata = Utf8(e.Metadata, ref text);
        var data = Utf8(e.Data, ref dataText);
        return Encode(e.GlobalPosition, e.Stream.ToString(), e.Version, e.EventId, e.Type, (e.RecordedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10,
            dataText.AsSpan(0, data), text.AsSpan(0, metadata));
    }

    /// <summary>
    /// The leaf bytes from an event's stored columns, with its data and metadata as their UTF-8 bytes (what the store
    /// holds): the offline verifier's path, which skips decoding them to text. Valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Encode(long globalPosition, string stream, long version, Guid eventId, string type, long recordedAtMicroseconds, ReadOnlySpan<byte> data, ReadOnlySpan<byte> metadata)
    {
        length = 0;
        WriteByte(FormatVersion);
        WriteInt64(globalPosition);
        WriteString(stream);
        WriteInt64(version);
        Span<byte> id = stackalloc byte[16];
        eventId.TryWriteBytes(id, bigEndian: true, out _);
        Write(id);
        WriteString(type);
        WriteInt64(recordedAtMicroseconds);

        string? actorId = null, role = null, organisation = null, client = null, correlation = null, causation = null;
        try
        {
            var reader = new Utf8JsonReader(metadata);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    ref var target = ref actorId;
                    var known = true;
                    if (reader.ValueTextEquals(ActorIdName))
                    {
                        target = ref actorId;
                    }
                    else if (reader.ValueTextEquals(ActorRoleName))
                    {
                        target = ref role;
                    }
                    else if (reader.ValueTextEquals(ActorOrganisationName))
                    {
                        target = ref organisation;
                    }
                    else if (reader.ValueTextEquals(ClientIdName))
                    {
                        target = ref client;
                    }
                    else if (reader.ValueTextEquals(CorrelationIdName))
                    {
                        target = ref correlation;
                    }
                    else if (reader.ValueTextEquals(CausationIdName))
                    {
                        target = ref causation;
                    }
                    else
                    {
                        known = false;
                    }

                    reader.Read();
                    if (known && reader.TokenType == JsonTokenType.String)
                    {
                        target = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Unreadable metadata commits to empty actor fields; its hash below still commits to its bytes.
            actorId = role = organisation = client = correlation = causation = null;
        }

        Span<byte> metadataHash = stackalloc byte[32];
        SHA256.HashData(metadata, metadataHash);

        WriteString(role == "applicant" && actorId is not null ? PersonKey(actorId) : actorId);
        WriteString(role);
        WriteString(organisation);
        WriteString(client);
        WriteString(correlation);
        WriteString(causation);

        Span<byte> dataHash = stackalloc byte[32];
        SHA256.HashData(data, dataHash);
        Write(dataHash);
        Write(metadataHash);
        return leaf.AsSpan(0, length);
    }

    /// <summary>Reads a v1 leaf back into its fields (for the leaf endpoint and inspectors' tools).</summary>
    public static AuditLeafFields Decode(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        if (bytes.Length < 1 || bytes[0] != FormatVersion)
        {
            throw new InvalidDataException("Not an audit leaf of format v1.");
        }

        at++;
        long Int64(ReadOnlySpan<byte> b)
        {
            var value = BinaryPrimitives.ReadInt64BigEndian(b[at..]);
            at += 8;
            return value;
        }

        string? Text(ReadOnlySpan<byte> b)
        {
            var size = BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
            at += 4;
            if (size == uint.MaxValue)
            {
                return null;
            }

            var value = Encoding.UTF8.GetString(b.Slice(at, (int)size));
            at += (int)size;
            return value;
        }

        var position = Int64(bytes);
        var stream = Text(bytes)!;
        var version = Int64(bytes);
        var eventId = new Guid(bytes.Slice(at, 16), bigEndian: true);
        at += 16;
        var type = Text(bytes)!;
        var recorded = Int64(bytes);
        var actor = Text(bytes);
        var role = Text(bytes);
        var organisation = Text(bytes);
        var client = Text(bytes);
        var correlation = Text(bytes);
        var causation = Text(bytes);
        var dataHash = Convert.ToHexStringLower(bytes.Slice(at, 32));
        var metadataHash = Convert.ToHexStringLower(bytes.Slice(at + 32, 32));
        if (at + 64 != bytes.Length)
        {
            throw new InvalidDataException("An audit leaf of format v1 ends with the two hashes.");
        }

        return new AuditLeafFields(FormatVersion, position, stream, version, eventId, type, recorded, actor, role, organisation, client, correlation, causation, dataHash, metadataHash);
    }

    private string PersonKey(string actorId)
    {
        if (!personKeys.TryGetValue(actorId, out var key))
        {
            if (personKeys.Count >= 100_000)
            {
                personKeys.Clear();
            }

            key = PersonKeyPrefix + personKeyOf(actorId);
            personKeys[actorId] = key;
        }

        return key;
    }

    private static int Utf8(string value, ref byte[] buffer)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (buffer.Length < max)
        {
            buffer = new byte[Math.Max(max, buffer.Length * 2)];
        }

        return Encoding.UTF8.GetBytes(value, buffer);
    }

    private void Ensure(int more)
    {
        if (length + more > leaf.Length)
        {
            Array.Resize(ref leaf, Math.Max(leaf.Length * 2, length + more));
        }
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        leaf[length++] = value;
    }

    private void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(leaf.AsSpan(length), value);
        length += 8;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(leaf.AsSpan(length));
        length += bytes.Length;
    }

    /// <summary>A 4-byte big-endian length then the UTF-8 bytes; null is the length 0xFFFFFFFF, so null and "" differ.</summary>
    private void WriteString(string? value)
    {
        if (value is null)
        {
            Ensure(4);
            BinaryPrimitives.WriteUInt32BigEndian(leaf.AsSpan(length), uint.MaxValue);
            length += 4;
            return;
        }

        var size = Encoding.UTF8.GetByteCount(value);
        Ensure(4 + size);
        BinaryPrimitives.WriteUInt32BigEndian(leaf.AsSpan(length), (uint)size);
        length += 4;
        length += Encoding.UTF8.GetBytes(value, leaf.AsSpan(length));
    }
}
