using System.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;
using TitleEval.Cases.Api.Identity;

namespace TitleEval.Cases.Api.Tests.Support;

/// <summary>
/// Tokens the test host trusts: HS256 with <see cref="Key"/>, issuer <see cref="Issuer"/>, the default audience. Each role's
/// default claims put the standard test case (<c>Requests.Submission</c>) in its scope.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "titleeval-test";
    public const string Audience = "titleeval-cases";
    public const string Subject = "tester";
    public const string Organisation = "12150100MB0000000X";
    public const string EmployerCode = "91150100MA0N000000";
    public const string DepartmentCode = "11150100MB1234567X";
    public const string Region = "呼和浩特市";
    public const string Committee = "hohhot-engineering-senior";
    public const string PartnerClient = "test-partner";

    public static readonly byte[] KeyBytes = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();

    public static SymmetricSecurityKey Key { get; } = new(KeyBytes);

    /// <summary>Settings that make the host trust these tokens (and not the local issuer, which would write a key file).</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Auth:Issuer"] = Issuer,
        ["Auth:SymmetricKeys:0"] = Convert.ToBase64String(KeyBytes),
        ["Auth:LocalIssuer:Enabled"] = "false",
    };

    /// <summary>The claims of a caller in <paramref name="role"/> whose scope covers the standard test case.</summary>
    public static Dictionary<string, object> Claims(string role)
    {
        var claims = new Dictionary<string, object>
        {
            [ClaimNames.Subject] = Subject,
            [ClaimNames.Role] = role,
            [ClaimNames.Organisation] = role switch
            {
                Roles.Employer => EmployerCode,
                Roles.Department => DepartmentCode,
                _ => Organisation,
            },
        };
        switch (role)
        {
            case Roles.Bureau:
                claims[ClaimNames.Region] = Region;
                break;
            case Roles.CommitteeOffice or Roles.Expert:
                claims[ClaimNames.Committee] = Committee;
                break;
            case Roles.Partner:
                claims[ClaimNames.ClientId] = PartnerClient;
                claims[ClaimNames.Scope] = string.Join(' ', typeof(AccessMatrix.Scopes).GetFields().Select(f => (string)f.GetRawConstantValue()!));
                break;
        }

        return claims;
    }

    public static string For(string role) => Mint(Claims(role));

    /// <summary>
    /// By default valid from 2020 to 2100: the host validates lifetimes against its TimeProvider, which tests move
    /// (CasesFactory's clock stands in June 2026), so a token "valid for an hour from now" would not be valid yet there.
    /// </summary>
    public static string Mint(IReadOnlyDictionary<string, object> claims, string issuer = Issuer, string audience = Audience, SecurityKey? key = null, DateTimeOffset? now = null, TimeSpan? validFor = null) =>
        LocalTokens.Mint(issuer, audience, key ?? Key, claims, now ?? new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), validFor ?? TimeSpan.FromDays(80 * 365));

    public static AuthenticationHeaderValue Header(string role) => new("Bearer", For(role));

    public static AuthenticationHeaderValue Header(IReadOnlyDictionary<string, object> claims) => new("Bearer", Mint(claims));

    /// <summary>
    /// The role a helper sends a request as: <paramref name="preferred"/> when the matrix lets it call the endpoint, else the
    /// first role the matrix names for it (so scenario helpers need not repeat the matrix; AccessMatrixTests test the matrix).
    /// </summary>
    public static string RoleFor(HttpMethod method, string path, string preferred)
    {
        var rule = RuleFor(method.Method, path);
        return rule is null || rule.Roles.Contains(preferred) ? preferred : rule.Roles.First(r => r != Roles.Partner);
    }

    /// <summary>The matrix row whose route pattern matches a concrete path (literal segments win over parameters, as in routing).</summary>
    public static AccessRule? RuleFor(string method, string path)
    {
        var segments = path.Split('?')[0].Trim('/').Split('/');
        return AccessMatrix.Rules
            .Where(r => r.Method == method)
            .Select(r => (Rule: r, Pattern: r.Route.Trim('/').Split('/')))
            .Where(x => x.Pattern.Length == segments.Length && x.Pattern.Zip(segments).All(p => Matches(p.First, p.Second)))
            .OrderByDescending(x => x.Pattern.Count(p => !p.StartsWith('{')))
            .Select(x => x.Rule)
            .FirstOrDefault();
    }

    private static bool Matches(string pattern, string segment) =>
        !pattern.StartsWith('{') ? string.Equals(pattern, segment, StringComparison.OrdinalIgnoreCase)
        : !pattern.Contains(":guid", StringComparison.Ordinal) || Guid.TryParse(segment, out _);
}
