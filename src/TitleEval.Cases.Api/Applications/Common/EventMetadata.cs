namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>
/// What every event records besides its facts (domain.md §5): who decided, in which role and organisation, why,
/// which request chain it belongs to, through which partner system, and when.
/// </summary>
public sealed record EventMetadata(
    string ActorId,
    string ActorRole,
    string ActorOrganisation,
    string? Reason,
    string CorrelationId,
    string CausationId,
    string? ClientId,
    DateTimeOffset OccurredAt);

/// <summary>The caller. Until authentication exists it comes from the temporary <c>X-Actor-*</c> headers (see <see cref="ActorHeaders"/>).</summary>
public sealed record Actor(string Id, string Role, string Organisation, string? ClientId);

/// <summary>
/// TEMPORARY, until the identity issue replaces them with the authenticated principal: the headers that name the caller.
/// They are documented as such in the API description; nothing here checks them.
/// </summary>
public static class ActorHeaders
{
    public const string Id = "X-Actor-Id";
    public const string Role = "X-Actor-Role";
    public const string Organisation = "X-Actor-Organisation";
    public const string Client = "X-Client-Id";
    public const string Correlation = "X-Correlation-Id";

    public static readonly IReadOnlySet<string> Roles = new HashSet<string>(StringComparer.Ordinal)
    {
        "applicant", "employer", "department", "bureau", "committee-office", "expert", "inspector", "partner", "system",
    };
}
