using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using TitleEval.Cases.Api.Identity;
using TitleEval.Cases.Api.Tests.Support;

namespace TitleEval.Cases.Api.Tests.Identity;

/// <summary>
/// A token is validated in full once and then answered from memory, but never past its expiry, never when it failed,
/// and never with claims another request can change.
/// </summary>
public sealed class ValidatedTokenCacheTests : IAsyncLifetime
{
    private readonly ApiFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task The_same_token_on_three_requests_is_validated_once()
    {
        // Given a token the API has not seen
        var cache = factory.Services.GetRequiredService<ValidatedTokenCache>();
        var token = TestTokens.Mint(TestTokens.Claims(Roles.Inspector), now: DateTimeOffset.UtcNow.AddMinutes(-1));
        var before = cache.Validations;

        // When it comes with three requests
        using var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        for (var i = 0; i < 3; i++)
        {
            var response = await client.GetAsync("/api/v1/plans");
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        // Then it was validated in full once
        (cache.Validations - before).Should().Be(1);
    }

    [Fact]
    public async Task A_refused_token_is_checked_in_full_every_time()
    {
        var cache = new ValidatedTokenCache();
        var token = TestTokens.Mint(TestTokens.Claims(Roles.Bureau), key: new SymmetricSecurityKey(Enumerable.Repeat((byte)9, 32).ToArray()));

        var first = await cache.ValidateTokenAsync(token, Parameters(TimeSpan.Zero));
        var second = await cache.ValidateTokenAsync(token, Parameters(TimeSpan.Zero));

        first.IsValid.Should().BeFalse();
        second.IsValid.Should().BeFalse();
        cache.Validations.Should().Be(2);
    }

    [Fact]
    public async Task A_token_kept_while_valid_is_refused_once_it_expires()
    {
        // Given a token valid for two seconds (JWT times are whole seconds), validated and kept
        var cache = new ValidatedTokenCache();
        var now = DateTimeOffset.UtcNow;
        var token = TestTokens.Mint(TestTokens.Claims(Roles.Bureau), now: now, validFor: TimeSpan.FromSeconds(2));
        (await cache.ValidateTokenAsync(token, Parameters(TimeSpan.Zero))).IsValid.Should().BeTrue();
        (await cache.ValidateTokenAsync(token, Parameters(TimeSpan.Zero))).IsValid.Should().BeTrue();
        cache.Validations.Should().Be(1);

        // When it is presented again after its expiry
        var expires = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + 2);
        await Task.Delay(expires - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        var late = await cache.ValidateTokenAsync(token, Parameters(TimeSpan.Zero));

        // Then it is validated again, and refused as expired
        late.IsValid.Should().BeFalse();
        late.Exception.Should().BeOfType<SecurityTokenExpiredException>();
        cache.Validations.Should().Be(2);
    }

    [Fact]
    public async Task Each_presentation_gets_claims_of_its_own()
    {
        var cache = new ValidatedTokenCache();
        var token = TestTokens.For(Roles.Expert);

        var first = await cache.ValidateTokenAsync(token, Parameters(TimeSpan.FromMinutes(1)));
        first.ClaimsIdentity.AddClaim(new Claim(ClaimNames.Role, Roles.Bureau));
        var second = await cache.ValidateTokenAsync(token, Parameters(TimeSpan.FromMinutes(1)));

        cache.Validations.Should().Be(1);
        second.ClaimsIdentity.FindAll(ClaimNames.Role).Select(c => c.Value).Should().Equal(Roles.Expert);
        second.ClaimsIdentity.FindFirst(ClaimNames.Subject)!.Value.Should().Be(first.ClaimsIdentity.FindFirst(ClaimNames.Subject)!.Value);
    }

    private static TokenValidationParameters Parameters(TimeSpan clockSkew) => new()
    {
        ValidIssuer = TestTokens.Issuer,
        ValidAudience = TestTokens.Audience,
        IssuerSigningKey = TestTokens.Key,
        RequireExpirationTime = true,
        ClockSkew = clockSkew,
        NameClaimType = ClaimNames.Subject,
        RoleClaimType = ClaimNames.Role,
    };
}
