using System.Security.Cryptography;

namespace TitleEval.Cases.Testing;

/// <summary>Keys that PostgreSQL test hosts must configure (the embedded SQLite default generates its own).</summary>
public static class TestKeys
{
    /// <summary><c>Audit:CheckpointSigningKey</c>: an ECDSA P-256 private key, base64 PKCS#8, fresh per test process.</summary>
    public static string AuditSigningKey { get; } = NewSigningKey();

    public static string NewSigningKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportPkcs8PrivateKey());
    }
}
