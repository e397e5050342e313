using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TitleEval.Cases.Api.Identity;

/// <summary>
/// A JWT handler that validates each distinct token once and answers later presentations of the same token from memory
/// until the token expires (at most <see cref="MaxAge"/> after it was validated). A client sends one token with every
/// request of a session, and parsing it, checking its signature and building its claims was about a sixth of a query's
/// server time (read-side benchmark, api-docs/read-models.md). Only valid results are kept: a refused token is checked
/// in full every time. Keyed by the whole token text, so only the very token that passed can hit.
/// </summary>
/// <remarks>
/// Expiry is compared with the system clock, as the validation itself does (IdentityModel reads DateTime.UtcNow), not
/// with the service's TimeProvider, which tests and the seeding command move. A hit hands out a copy of the claims, so
/// no request can change another's. A signing key removed from the configuration still admits tokens validated with it
/// for up to <see cref="MaxAge"/>.
/// </remarks>
public sealed class ValidatedTokenCache : JsonWebTokenHandler, IDisposable
{
    /// <summary>How long a validated token is served from memory at most, even if it is valid for longer.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Distinct tokens kept at most; beyond that, new ones are validated in full and not kept.</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache validated = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public ValidatedTokenCache()
    {
        // Claim names as issued ("sub", "role", "org"), as JwtBearerOptions.MapInboundClaims = false sets on its own handlers.
        MapInboundClaims = false;
    }

    /// <summary>Full validations so far (tests read it to see that a hit skipped one).</summary>
    public long Validations => Interlocked.Read(ref validations);

    private long validations;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = DateTime.UtcNow;
        if (validated.TryGetValue(token, out Validated? known) && known!.Token.ValidTo > now)
        {
            return known.Result();
        }

        Interlocked.Increment(ref validations);
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } securityToken && securityToken.ValidTo > now)
        {
            var until = securityToken.ValidTo < now + MaxAge ? securityToken.ValidTo : now + MaxAge;
            var kept = new Validated(securityToken, result.ClaimsIdentity.Clone(), result.Issuer, result.TokenType);
            validated.Set(token, kept, new MemoryCacheEntryOptions { AbsoluteExpiration = new DateTimeOffset(until, TimeSpan.Zero), Size = 1 });
        }

        return result;
    }

    public void Dispose() => validated.Dispose();

    /// <summary>What a valid result carried, with claims no request holds.</summary>
    private sealed record Validated(SecurityToken Token, System.Security.Claims.ClaimsIdentity Claims, string Issuer, string TokenType)
    {
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Claims.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
