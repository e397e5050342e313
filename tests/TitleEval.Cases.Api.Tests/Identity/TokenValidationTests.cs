using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FluentAssertions;
using Microsoft.IdentityModel.Tokens;
using TitleEval.Cases.Api.Identity;
using TitleEval.Cases.Api.Tests.Support;

namespace TitleEval.Cases.Api.Tests.Identity;

/// <summary>Only a signed, unexpired token of the configured issuer and audience with the required claims gets in; anything else is 401.</summary>
public sealed class TokenValidationTests : IAsyncLifetime
{
    private const string Path = "/api/v1/plans";

    private readonly ApiFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task A_valid_token_gets_in()
    {
        var response = await SendAsync(TestTokens.For(Roles.Inspector));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_token_is_401_with_a_bearer_challenge()
    {
        using var client = factory.AnonymousClient();

        var response = await client.GetAsync(Path);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "/problems/unauthenticated");
        response.Headers.WwwAuthenticate.Should().Contain(h => h.Scheme == "Bearer");
    }

    public static TheoryData<string> BadTokens() =>
    [
        "expired", "wrong-issuer", "wrong-audience", "bad-signature", "alg-none", "not-a-jwt", "no-expiry",
        "missing-sub", "missing-role", "unknown-role", "missing-org", "bureau-without-region", "committee-office-without-committee",
        "expert-without-committee", "partner-without-client",
    ];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_401_and_says_nothing_of_the_endpoint(string kind)
    {
        var response = await SendAsync(Token(kind));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "/problems/unauthenticated");
        problem.ToString().Should().NotContain("2026-hohhot", "no plan is listed");
    }

    private async Task<HttpResponseMessage> SendAsync(string token)
    {
        using var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(Path);
    }

    private static string Token(string kind)
    {
        var claims = TestTokens.Claims(Roles.Bureau);
        Dictionary<string, object> Without(string role, string claim)
        {
            var c = TestTokens.Claims(role);
            c.Remove(claim);
            return c;
        }

        return kind switch
        {
            "expired" => TestTokens.Mint(claims, now: DateTimeOffset.UtcNow.AddHours(-3), validFor: TimeSpan.FromHours(1)),
            "wrong-issuer" => TestTokens.Mint(claims, issuer: "someone-else"),
            "wrong-audience" => TestTokens.Mint(claims, audience: "another-api"),
            "bad-signature" => TestTokens.Mint(claims, key: new SymmetricSecurityKey(Enumerable.Repeat((byte)9, 32).ToArray())),
            "alg-none" => Unsigned(claims),
            "not-a-jwt" => "not-a-token",
            "no-expiry" => NoExpiry(claims),
            "missing-sub" => TestTokens.Mint(Without(Roles.Employer, ClaimNames.Subject)),
            "missing-role" => TestTokens.Mint(Without(Roles.Employer, ClaimNames.Role)),
            "unknown-role" => TestTokens.Mint(new Dictionary<string, object>(TestTokens.Claims(Roles.Employer)) { [ClaimNames.Role] = "admin" }),
            "missing-org" => TestTokens.Mint(Without(Roles.Employer, ClaimNames.Organisation)),
            "bureau-without-region" => TestTokens.Mint(Without(Roles.Bureau, ClaimNames.Region)),
            "committee-office-without-committee" => TestTokens.Mint(Without(Roles.CommitteeOffice, ClaimNames.Committee)),
            "expert-without-committee" => TestTokens.Mint(Without(Roles.Expert, ClaimNames.Committee)),
            "partner-without-client" => TestTokens.Mint(Without(Roles.Partner, ClaimNames.ClientId)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>The same claims with header {"alg":"none"} and an empty signature (RFC 7519 §6.1's unsecured JWT).</summary>
    private static string Unsigned(IReadOnlyDictionary<string, object> claims)
    {
        var signed = TestTokens.Mint(claims);
        var payload = signed.Split('.')[1];
        return $"{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}"))}.{payload}.";
    }

    private static string NoExpiry(IReadOnlyDictionary<string, object> claims)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            Claims = claims.ToDictionary(c => c.Key, c => c.Value),
            SigningCredentials = new SigningCredentials(TestTokens.Key, SecurityAlgorithms.HmacSha256),
        };
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
