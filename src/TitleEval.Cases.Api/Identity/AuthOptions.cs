namespace TitleEval.Cases.Api.Identity;

/// <summary>
/// Configuration section <c>Auth</c>: which bearer tokens the API trusts. A province plugs in its identity provider
/// with <see cref="Authority"/> (OIDC metadata) or with <see cref="Issuer"/> and its keys; partner systems are clients of
/// that provider with their own credentials and scopes.
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The <c>iss</c> tokens must carry (besides the local issuer's, when that is on).</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> tokens must carry.</summary>
    public string Audience { get; set; } = "titleeval-cases";

    /// <summary>Optional OIDC authority: its discovery document gives the issuer and the signing keys (rotated automatically).</summary>
    public string? Authority { get; set; }

    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Base64 HMAC keys (≥ 32 bytes) tokens may be signed with (HS256/384/512).</summary>
    public List<string> SymmetricKeys { get; set; } = [];

    /// <summary>PEM public keys (RSA or EC) tokens may be signed with (RS*, PS*, ES*).</summary>
    public List<string> PublicKeys { get; set; } = [];

    /// <summary>Tolerated clock difference with the identity provider.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    public LocalIssuerOptions LocalIssuer { get; set; } = new();
}

/// <summary>
/// The embedded default's own token issuer (<c>tokens issue</c> command): a key generated once beside the SQLite file.
/// On by default only in the Development environment; never allowed in Production.
/// </summary>
public sealed class LocalIssuerOptions
{
    /// <summary>Null: on in Development, off elsewhere.</summary>
    public bool? Enabled { get; set; }

    public string Issuer { get; set; } = "titleeval-local";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Where the signing key is kept; by default <c>local-token-signing.key</c> beside the SQLite file.</summary>
    public string? KeyPath { get; set; }
}
