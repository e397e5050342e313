using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using FluentAssertions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TitleEval.Cases.Api.Identity;
using TitleEval.Cases.Api.Tests.Support;

namespace TitleEval.Cases.Api.Tests.Identity;

/// <summary>
/// The two ways a province's identity provider is plugged in besides a shared secret: its PEM public key (RSA or EC,
/// with <c>Auth:Issuer</c>), and its OIDC authority, whose discovery document gives the issuer and the signing keys.
/// Each host here trusts only the key source under test: no symmetric key, the local issuer off.
/// </summary>
public sealed class IdentityProviderKeyTests
{
    private const string Path = "/api/v1/plans";
    private const string ProviderIssuer = "https://idp.example.gov.cn/realms/titles";

    public static TheoryData<string> RsaAlgorithms() => [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256];

    [Theory]
    [MemberData(nameof(RsaAlgorithms))]
    public async Task Given_an_RSA_public_key_PEM_When_a_token_is_signed_with_its_private_key_Then_it_gets_in(string algorithm)
    {
        using var rsa = RSA.Create(2048);
        await using var factory = PemFactory(rsa.ExportSubjectPublicKeyInfoPem());
        TrustedKeys(factory).Should().ContainSingle().Which.Should().BeOfType<RsaSecurityKey>();

        var response = await SendAsync(factory, Mint(new SigningCredentials(new RsaSecurityKey(rsa), algorithm), ProviderIssuer));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_an_RSA_public_key_PEM_When_a_token_is_signed_by_another_RSA_key_Then_it_is_401()
    {
        using var rsa = RSA.Create(2048);
        using var other = RSA.Create(2048);
        await using var factory = PemFactory(rsa.ExportSubjectPublicKeyInfoPem());

        var response = await SendAsync(factory, Mint(new SigningCredentials(new RsaSecurityKey(other), SecurityAlgorithms.RsaSha256), ProviderIssuer));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "/problems/unauthenticated");
    }

    [Fact]
    public async Task Given_an_EC_P256_public_key_PEM_When_a_token_is_signed_ES256_with_its_private_key_Then_it_gets_in()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var factory = PemFactory(ec.ExportSubjectPublicKeyInfoPem());
        TrustedKeys(factory).Should().ContainSingle().Which.Should().BeOfType<ECDsaSecurityKey>();

        var response = await SendAsync(factory, Mint(new SigningCredentials(new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha256), ProviderIssuer));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_an_EC_P256_public_key_PEM_When_a_token_is_signed_by_another_EC_key_Then_it_is_401()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var factory = PemFactory(ec.ExportSubjectPublicKeyInfoPem());

        var response = await SendAsync(factory, Mint(new SigningCredentials(new ECDsaSecurityKey(other), SecurityAlgorithms.EcdsaSha256), ProviderIssuer));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "/problems/unauthenticated");
    }

    [Fact]
    public async Task Given_an_OIDC_authority_When_a_token_carries_its_issuer_and_kid_and_is_signed_by_its_key_Then_it_gets_in_through_the_discovery_document()
    {
        await using var provider = await OidcProvider.StartAsync();
        await using var factory = AuthorityFactory(provider);
        TrustedKeys(factory).Should().BeEmpty("the only keys are the ones the discovery document gives");
        var cache = factory.Services.GetRequiredService<ValidatedTokenCache>();
        var validations = cache.Validations;

        var response = await SendAsync(factory, Mint(provider.Credentials(), provider.Issuer));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        provider.DiscoveryRequests.Should().BeGreaterThan(0, "the issuer comes from the discovery document");
        provider.KeySetRequests.Should().BeGreaterThan(0, "the signing key comes from the JWKS");
        (cache.Validations - validations).Should().Be(1, "the token went through the API's own handler");
    }

    [Fact]
    public async Task Given_an_OIDC_authority_When_a_token_under_its_kid_is_signed_by_another_key_Then_it_is_401()
    {
        await using var provider = await OidcProvider.StartAsync();
        await using var factory = AuthorityFactory(provider);
        using var other = RSA.Create(2048);

        var response = await SendAsync(factory, Mint(new SigningCredentials(new RsaSecurityKey(other) { KeyId = provider.KeyId }, SecurityAlgorithms.RsaSha256), provider.Issuer));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "/problems/unauthenticated");
        provider.KeySetRequests.Should().BeGreaterThan(0, "the signature was checked against the provider's keys");
    }

    [Fact]
    public async Task Given_an_OIDC_authority_When_a_token_signed_by_its_key_carries_another_issuer_Then_it_is_401()
    {
        await using var provider = await OidcProvider.StartAsync();
        await using var factory = AuthorityFactory(provider);

        var response = await SendAsync(factory, Mint(provider.Credentials(), "https://someone-else.example"));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "/problems/unauthenticated");
        provider.DiscoveryRequests.Should().BeGreaterThan(0, "the issuer was checked against the provider's");
    }

    public static TheoryData<string, string> UnreadableKeys()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new()
        {
            // OpenSSL's old label: neither EC nor RSA import reads it (it used to crash the start with a null key).
            { "Auth:PublicKeys:0", ec.ExportSubjectPublicKeyInfoPem().Replace("PUBLIC KEY", "EC PUBLIC KEY", StringComparison.Ordinal) },
            { "Auth:PublicKeys:0", "the provider's key, pasted without its PEM armour" },
            { "Auth:SymmetricKeys:0", "not base64!" },
            { "Auth:SymmetricKeys:0", Convert.ToBase64String(new byte[16]) },
        };
    }

    [Theory]
    [MemberData(nameof(UnreadableKeys))]
    public async Task Given_a_signing_key_the_service_cannot_read_When_it_starts_Then_it_stops_and_names_the_setting(string setting, string value)
    {
        await using var factory = new KeyFactory(new Dictionary<string, string?> { ["Auth:Issuer"] = ProviderIssuer, [setting] = value });

        var start = () => factory.Services;

        start.Should().Throw<InvalidOperationException>().WithMessage($"{setting} *");
    }

    private static KeyFactory PemFactory(string pem) => new(new Dictionary<string, string?>
    {
        ["Auth:Issuer"] = ProviderIssuer,
        ["Auth:PublicKeys:0"] = pem,
    });

    /// <summary>Authority only: no <c>Auth:Issuer</c>, so the issuer too must come from the discovery document.</summary>
    private static KeyFactory AuthorityFactory(OidcProvider provider) => new(new Dictionary<string, string?>
    {
        ["Auth:Authority"] = provider.Url,
        ["Auth:RequireHttpsMetadata"] = "false",
    });

    /// <summary>
    /// The keys the bearer options trust on their own (besides any an authority gives). Also checks that the local issuer is off
    /// (the test host runs in Development, where it would be on by default) and that no symmetric test key is configured.
    /// </summary>
    private static IReadOnlyList<SecurityKey> TrustedKeys(KeyFactory factory)
    {
        factory.Services.GetRequiredService<IdentityRegistration.LocalIssuer>().Tokens.Should().BeNull("no token may get in through the local issuer's key");
        factory.Services.GetRequiredService<AuthOptions>().SymmetricKeys.Should().BeEmpty();
        var parameters = factory.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        return [.. parameters.IssuerSigningKeys ?? []];
    }

    /// <summary>A token of an inspector (claims of <see cref="TestTokens.Claims"/>) for the default audience, valid for the hour around now.</summary>
    private static string Mint(SigningCredentials credentials, string issuer)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = TestTokens.Audience,
            IssuedAt = now.AddMinutes(-5),
            NotBefore = now.AddMinutes(-5),
            Expires = now.AddHours(1),
            Claims = TestTokens.Claims(Roles.Inspector).ToDictionary(c => c.Key, c => c.Value),
            SigningCredentials = credentials,
        });
    }

    private static async Task<HttpResponseMessage> SendAsync(KeyFactory factory, string token)
    {
        using var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(Path);
    }

    /// <summary>The API with the test defaults but none of <see cref="TestTokens.Settings"/>' trust: only <paramref name="auth"/> and the local issuer off.</summary>
    private sealed class KeyFactory(IReadOnlyDictionary<string, string?> auth) : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings
        {
            get
            {
                var settings = base.Settings.Where(s => !s.Key.StartsWith("Auth:", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => s.Value);
                settings["Auth:LocalIssuer:Enabled"] = "false";
                foreach (var (key, value) in auth)
                {
                    settings[key] = value;
                }

                return settings;
            }
        }
    }

    /// <summary>
    /// A real OIDC provider's metadata over HTTP on a free loopback port: the discovery document (issuer, jwks_uri) and a JWKS
    /// with one RSA signing key. Counts the requests for each, so a test can tell the API read them.
    /// </summary>
    private sealed class OidcProvider : IAsyncDisposable
    {
        private readonly RSA rsa = RSA.Create(2048);
        private WebApplication? app;
        private int discoveryRequests;
        private int keySetRequests;

        public string KeyId { get; } = "province-idp-" + Guid.NewGuid().ToString("N")[..8];

        public string Url { get; private set; } = "";

        /// <summary>The issuer the discovery document names (the base URL, as providers usually do).</summary>
        public string Issuer => Url;

        public int DiscoveryRequests => Volatile.Read(ref discoveryRequests);

        public int KeySetRequests => Volatile.Read(ref keySetRequests);

        public SigningCredentials Credentials() => new(new RsaSecurityKey(rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);

        public static async Task<OidcProvider> StartAsync()
        {
            var provider = new OidcProvider();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            provider.app = builder.Build();

            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(provider.rsa.ExportParameters(includePrivateParameters: false)) { KeyId = provider.KeyId });
            provider.app.MapGet("/.well-known/openid-configuration", () =>
            {
                Interlocked.Increment(ref provider.discoveryRequests);
                return Results.Json(new Dictionary<string, object>
                {
                    ["issuer"] = provider.Issuer,
                    ["jwks_uri"] = provider.Url + "/jwks",
                    ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
                });
            });
            provider.app.MapGet("/jwks", () =>
            {
                Interlocked.Increment(ref provider.keySetRequests);
                return Results.Json(new Dictionary<string, object>
                {
                    ["keys"] = new[]
                    {
                        new Dictionary<string, string> { ["kty"] = jwk.Kty, ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = SecurityAlgorithms.RsaSha256, ["n"] = jwk.N, ["e"] = jwk.E },
                    },
                });
            });

            await provider.app.StartAsync();
            provider.Url = provider.app.Urls.Single().TrimEnd('/');
            return provider;
        }

        public async ValueTask DisposeAsync()
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            rsa.Dispose();
        }
    }
}
