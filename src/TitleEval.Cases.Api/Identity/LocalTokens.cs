using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TitleEval.Cases.Api.Identity;

/// <summary>
/// The embedded default's local issuer: HS256 tokens signed with a key generated once beside the SQLite file
/// (<c>local-token-signing.key</c>), for trying the API without an identity provider. Off outside Development unless
/// configured, and refused in Production whatever the configuration says.
/// </summary>
public sealed class LocalTokens(string issuer, string audience, SymmetricSecurityKey key, TimeSpan lifetime)
{
    public string Issuer { get; } = issuer;

    public SymmetricSecurityKey Key { get; } = key;

    /// <summary>The local issuer when it is on; throws when it is configured on in Production.</summary>
    public static LocalTokens? Resolve(AuthOptions auth, IHostEnvironment environment, IConfiguration configuration)
    {
        var enabled = auth.LocalIssuer.Enabled ?? environment.IsDevelopment();
        if (!enabled)
        {
            return null;
        }

        if (environment.IsProduction())
        {
            throw new InvalidOperationException("Auth:LocalIssuer:Enabled must not be true in Production: configure the province's identity provider (Auth:Authority or Auth:Issuer with its keys).");
        }

        var path = auth.LocalIssuer.KeyPath ?? Path.Combine(
            Path.GetDirectoryName(Path.GetFullPath(configuration["EventStore:SqlitePath"] ?? "./data/titleeval.db"))!,
            "local-token-signing.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var key = new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim())) { KeyId = "local" };
        return new LocalTokens(auth.LocalIssuer.Issuer, auth.Audience, key, auth.LocalIssuer.Lifetime);
    }

    /// <summary>A signed token carrying <paramref name="claims"/> (sub, role, org and the role's own), valid for <paramref name="validFor"/> or the configured lifetime.</summary>
    public string Issue(IReadOnlyDictionary<string, object> claims, DateTimeOffset now, TimeSpan? validFor = null) =>
        Mint(Issuer, audience, Key, claims, now, validFor ?? lifetime);

    /// <summary>An HS256 token; also used by tests and benchmarks that configure a symmetric key.</summary>
    public static string Mint(string issuer, string audience, SecurityKey key, IReadOnlyDictionary<string, object> claims, DateTimeOffset now, TimeSpan validFor) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(validFor).UtcDateTime,
            Claims = claims.ToDictionary(c => c.Key, c => c.Value),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

    /// <summary>
    /// <c>tokens issue --role R --org O --sub S [--region X] [--committee C] [--client ID] [--scope "a b"] [--hours N]</c>:
    /// prints a token of the local issuer. Refused when the local issuer is off.
    /// </summary>
    public static int RunCommand(WebApplication app, string[] args)
    {
        var local = app.Services.GetRequiredService<IdentityRegistration.LocalIssuer>().Tokens;
        if (local is null)
        {
            Console.Error.WriteLine("The local token issuer is off (it runs only in Development, or with Auth:LocalIssuer:Enabled=true outside Production). Use the identity provider's tokens.");
            return 2;
        }

        if (args is not ["tokens", "issue", .. var rest] || rest.Length % 2 != 0)
        {
            Console.Error.WriteLine("usage: tokens issue --role ROLE --org ORG --sub SUBJECT [--region REGION|*] [--committee ID] [--client ID] [--scope \"a b\"] [--hours N]");
            return 2;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < rest.Length; i += 2)
        {
            options[rest[i].TrimStart('-')] = rest[i + 1];
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (option, claim) in new[] { ("sub", ClaimNames.Subject), ("role", ClaimNames.Role), ("org", ClaimNames.Organisation), ("region", ClaimNames.Region), ("committee", ClaimNames.Committee), ("client", ClaimNames.ClientId), ("scope", ClaimNames.Scope) })
        {
            if (options.TryGetValue(option, out var value))
            {
                claims[claim] = value;
            }
        }

        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(claims.Select(c => new System.Security.Claims.Claim(c.Key, (string)c.Value))));
        if (!Caller.TryRead(principal, out _, out var problem))
        {
            Console.Error.WriteLine($"Not issued: {problem}.");
            return 2;
        }

        TimeSpan? validFor = options.TryGetValue("hours", out var hours) ? TimeSpan.FromHours(double.Parse(hours, CultureInfo.InvariantCulture)) : null;
        Console.WriteLine(local.Issue(claims, app.Services.GetRequiredService<TimeProvider>().GetUtcNow(), validFor));
        return 0;
    }
}
