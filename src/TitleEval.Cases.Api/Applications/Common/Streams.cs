using System.Security.Cryptography;
using System.Text;
using TitleEval.Cases.Domain;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>The streams a case touches. A person's stream is keyed by a keyed HMAC of the resident ID, never the ID itself nor a plain hash [architecture.md §4].</summary>
public sealed class Streams(PersonKeys personKeys)
{
    public static StreamName Application(Guid id) => StreamName.For("application", id.ToString("N"));

    /// <summary>Who was shown a case's full resident ID or phone, and why: beside the case stream so reading never moves the case's version.</summary>
    public static StreamName Disclosure(Guid applicationId) => StreamName.For("disclosure", applicationId.ToString("N"));

    public static StreamName Integrity(Guid id) => StreamName.For("integrity", id.ToString("N"));

    public static StreamName Employer(string code) => StreamName.For("employer", Safe(code));

    public static StreamName Quota(string planId, string series, Level level) => StreamName.For("quota", $"{Safe(planId)}.{Safe(series)}.{level}");

    public StreamName Person(string residentId) => StreamName.For("person", personKeys.KeyOf(residentId));

    public static StreamName PersonByKey(string personKey) => StreamName.For("person", personKey);

    private static string Safe(string value) => new(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_').ToArray());
}

/// <summary>HMAC-SHA256 of a resident ID under the configured key: the same person always gets the same key, and without the key the ID cannot be brute-forced from it.</summary>
public sealed class PersonKeys(byte[] key)
{
    public string KeyOf(string residentId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(residentId.ToUpperInvariant())))[..32];
}
