using System.Security.Claims;
using TitleEval.Cases.Api.Applications.Common;

namespace TitleEval.Cases.Api.Identity;

/// <summary>
/// The authenticated caller, read from the token's claims: who they are, in which role and organisation, and what narrows
/// what they may see (region, committee, scopes). Every event's actor comes from here, never from request headers.
/// </summary>
public sealed record Caller(string Id, string Role, string Organisation, string? Region, string? Committee, string? ClientId, IReadOnlySet<string> Scopes)
{
    public const string AllRegions = "*";

    public Actor Actor => new(Id, Role, Organisation, ClientId);

    public bool HasScope(string scope) => Scopes.Contains(scope);

    /// <summary>The caller of a request that passed authentication (every protected endpoint).</summary>
    public static Caller Of(HttpContext http) =>
        http.Items[typeof(Caller)] as Caller ?? (TryRead(http.User, out var caller, out _) ? caller! : throw new InvalidOperationException("No authenticated caller: the endpoint is not mapped inside MapProtected()."));

    /// <summary>Reads the claims; false with the reason when a required claim is missing or invalid (the token is then refused: 401).</summary>
    public static bool TryRead(ClaimsPrincipal principal, out Caller? caller, out string? problem)
    {
        caller = null;
        string? Claim(string type) => principal.FindFirst(type)?.Value is { Length: > 0 } value ? value.Trim() : null;

        var id = Claim(ClaimNames.Subject);
        var role = Claim(ClaimNames.Role);
        var organisation = Claim(ClaimNames.Organisation);
        if (id is null || id.Length > 100 || organisation is null || organisation.Length > 200)
        {
            problem = "the token must carry 'sub' (≤ 100 characters) and 'org' (≤ 200 characters)";
            return false;
        }

        if (role is null || !Roles.All.Contains(role))
        {
            problem = $"the token's 'role' must be one of {string.Join(", ", Roles.All)}";
            return false;
        }

        var region = Claim(ClaimNames.Region);
        var committee = Claim(ClaimNames.Committee);
        var client = Claim(ClaimNames.ClientId);
        var scopes = principal.FindAll(ClaimNames.Scope).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        problem = role switch
        {
            Roles.Bureau when region is null => "a bureau token must carry 'region' (or '*' for the whole autonomous region)",
            Roles.CommitteeOffice or Roles.Expert when committee is null => $"a {role} token must carry 'committee'",
            Roles.Partner when client is null => "a partner token must carry 'client_id'",
            _ => null,
        };
        if (problem is not null)
        {
            return false;
        }

        caller = new Caller(id, role, organisation, region, committee, client, scopes);
        return true;
    }
}
