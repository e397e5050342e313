using System.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;
using TitleEval.Cases.Api.Identity;

/// <summary>
/// The benchmark host trusts one symmetric key; each role's token is minted once (valid 2020–2100, whatever the
/// benchmark's clock says) with claims that put the benchmark's cases (Hohhot, hohhot-engineering-senior) in scope.
/// </summary>
internal static class BenchTokens
{
    private const string Issuer = "titleeval-bench";

    private static readonly byte[] KeyBytes = Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray();

    private static readonly Dictionary<string, AuthenticationHeaderValue> Headers = Roles.All.ToDictionary(role => role, role => new AuthenticationHeaderValue("Bearer", Mint(role)));

    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Auth:Issuer"] = Issuer,
        ["Auth:SymmetricKeys:0"] = Convert.ToBase64String(KeyBytes),
        ["Auth:LocalIssuer:Enabled"] = "false",
    };

    public static AuthenticationHeaderValue For(string role) => Headers[role];

    /// <summary>The role that sends a lifecycle command: the applicant files, each office its own stage, the committee office the rest of the meeting, the bureau approval and certificate.</summary>
    public static AuthenticationHeaderValue ForCommand(string path, object body)
    {
        var stage = body.GetType().GetProperty("stage")?.GetValue(body) as string;
        var role = path switch
        {
            "/api/v1/applications" => Roles.Applicant,
            _ when path.EndsWith("/reviews", StringComparison.Ordinal) && Enum.TryParse<TitleEval.Cases.Domain.Applications.ReviewStage>(stage, out var s) => StageOwnership.RoleOf(s),
            _ when path.EndsWith("/approval", StringComparison.Ordinal) || path.EndsWith("/certificate", StringComparison.Ordinal) => Roles.Bureau,
            _ => Roles.CommitteeOffice,
        };
        return For(role);
    }

    private static string Mint(string role)
    {
        var claims = new Dictionary<string, object>
        {
            [ClaimNames.Subject] = "bench",
            [ClaimNames.Role] = role,
            [ClaimNames.Organisation] = role switch
            {
                Roles.Employer => "91150100MA0N000000",
                Roles.Department => "11150100MB1234567X",
                _ => "12150100MB0000000X",
            },
        };
        switch (role)
        {
            case Roles.Bureau:
                claims[ClaimNames.Region] = "呼和浩特市";
                break;
            case Roles.CommitteeOffice or Roles.Expert:
                claims[ClaimNames.Committee] = "hohhot-engineering-senior";
                break;
            case Roles.Partner:
                claims[ClaimNames.ClientId] = "bench";
                claims[ClaimNames.Scope] = "cases:read results:read certificates:read integrity:read reference:read";
                break;
        }

        return LocalTokens.Mint(Issuer, "titleeval-cases", new SymmetricSecurityKey(KeyBytes), claims, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(80 * 365));
    }
}
