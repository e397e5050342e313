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

/// <summary>The caller as events record it: from the authenticated principal (<see cref="Identity.Caller"/>); <c>ClientId</c> is a partner system's client.</summary>
public sealed record Actor(string Id, string Role, string Organisation, string? ClientId);

/// <summary>Request headers besides the token that name the request chain.</summary>
public static class ActorHeaders
{
    public const string Correlation = "X-Correlation-Id";
}
