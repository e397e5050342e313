using static TitleEval.Cases.Api.Identity.Roles;

namespace TitleEval.Cases.Api.Identity;

/// <summary>One row of the matrix: who may call <see cref="Method"/> <see cref="Route"/>; a partner also needs <see cref="PartnerScope"/>.</summary>
public sealed record AccessRule(string Method, string Route, IReadOnlyList<string> Roles, string? PartnerScope)
{
    public bool Allows(Caller caller) =>
        Roles.Contains(caller.Role) && (caller.Role != Partner || (PartnerScope is not null && caller.HasScope(PartnerScope)));
}

/// <summary>
/// Function-level authorization: THE table of role × endpoint (domain.md §1), documented in api-docs/roles.md (a test keeps
/// the page equal to this table). Every endpoint mapped inside <c>MapProtected()</c> is looked up here by method and route
/// pattern; an endpoint with no row is refused to everyone (fail closed) and fails <c>AccessMatrixTests</c>. Adding an
/// endpoint = adding one line. Object-level scoping (which cases) is <see cref="CaseScope"/>'s job.
/// </summary>
public static class AccessMatrix
{
    /// <summary>Partner scopes: each names one thing a partner system may pull.</summary>
    public static class Scopes
    {
        public const string CasesRead = "cases:read";
        public const string ResultsRead = "results:read";
        public const string CertificatesRead = "certificates:read";
        public const string IntegrityRead = "integrity:read";
        public const string ReferenceRead = "reference:read";
    }

    // Role sets reused by several rows, so that a row reads as a sentence.
    private const string Reviewers = $"{Employer} {Department} {Bureau} {CommitteeOffice}";
    private const string Offices = $"{Employer} {Department} {Bureau} {CommitteeOffice} {Inspector} {Roles.System}";

    private const string Applications = "/api/v1/applications";
    private const string Case = "/api/v1/applications/{id:guid}";

    public static IReadOnlyList<AccessRule> Rules { get; } =
    [
        // Filing and the applicant's own acts.
        Row("POST", Applications, $"{Applicant} {Roles.System}"),
        Row("POST", $"{Case}/resubmission", Applicant),
        Row("POST", $"{Case}/withdrawal", $"{Applicant} {Roles.System}"),

        // The review chain: each office decides at its own stage (the stage in the body must be the caller's, else 403).
        Row("POST", $"{Case}/reviews", Reviewers),
        Row("POST", $"{Case}/returns", Reviewers),
        Row("POST", $"{Case}/rejection", Reviewers),

        // Publicity: the employer posts inside the unit, the bureau the roster, the committee office the result.
        Row("POST", $"{Case}/publicities", $"{Employer} {Bureau} {CommitteeOffice}"),
        Row("POST", $"{Case}/publicities/{{stage}}/close", $"{Employer} {Bureau} {CommitteeOffice} {Roles.System}"),
        Row("POST", $"{Case}/objections", $"{Employer} {Bureau} {CommitteeOffice}"),
        Row("POST", $"{Case}/objections/{{objectionId:guid}}/resolution", $"{Employer} {Bureau} {CommitteeOffice}"),

        // The meeting's counts are recorded by the committee office; experts vote in the room, not through the API.
        Row("POST", $"{Case}/vote", CommitteeOffice),
        Row("POST", $"{Case}/approval", Bureau),
        Row("POST", $"{Case}/certificate", $"{Bureau} {Roles.System}"),
        Row("POST", $"{Case}/disqualification", $"{Bureau} {CommitteeOffice}"),
        Row("POST", $"{Case}/revocation", Bureau),

        // Personal data in clear: the person, and the offices that must contact or identify them; never experts,
        // departments, inspectors (they audit decisions, not people) or partners [architecture.md §4].
        Row("POST", $"{Case}/unmask", $"{Applicant} {Employer} {Bureau} {CommitteeOffice}"),

        // Reading a case.
        Row("GET", Case, $"{Applicant} {Offices} {Partner}", Scopes.CasesRead),
        Row("GET", $"{Case}/progress", $"{Applicant} {Offices} {Partner}", Scopes.CasesRead),
        Row("GET", $"{Case}/history", $"{Applicant} {Offices}"),
        Row("GET", $"{Case}/review-view", $"{Expert} {CommitteeOffice} {Inspector} {Roles.System}"),
        Row("GET", Applications, $"{Applicant} {Offices}"),
        Row("POST", $"{Applications}/search", $"{Applicant} {Offices}"),

        // Reference data and published results.
        Row("GET", "/api/v1/plans", string.Join(' ', All), Scopes.ReferenceRead),
        Row("GET", "/api/v1/certificates/{number}", string.Join(' ', All), Scopes.CertificatesRead),
        // A committee-wide roster names other units' applicants: the offices that compile and publicise it read it;
        // employers and departments reach their own applicants through case search, which is scoped.
        Row("GET", "/api/v1/rosters", $"{Bureau} {CommitteeOffice} {Inspector} {Roles.System} {Partner}", Scopes.ResultsRead),
        Row("GET", "/api/v1/statistics", $"{Department} {Bureau} {CommitteeOffice} {Inspector} {Roles.System}"),

        // The integrity database is kept by the bureau [domain.md §1]; offices check a person before they recommend.
        Row("POST", "/api/v1/integrity-records", Bureau),
        Row("GET", "/api/v1/integrity-records", $"{Bureau} {CommitteeOffice} {Inspector} {Roles.System} {Partner}", Scopes.IntegrityRead),
        Row("GET", "/api/v1/integrity-records/{id:guid}", $"{Bureau} {CommitteeOffice} {Inspector} {Roles.System} {Partner}", Scopes.IntegrityRead),
        Row("GET", "/api/v1/integrity-records/check", $"{Offices} {Partner}", Scopes.IntegrityRead),
        Row("POST", "/api/v1/integrity-records/check", $"{Offices} {Partner}", Scopes.IntegrityRead),

        // Audit: the inspectors' tool [domain.md §1]; the service's operators (system) for support.
        Row("GET", "/api/v1/audit/decisions", $"{Inspector} {Roles.System}"),
        Row("GET", "/api/v1/audit/decisions/export", $"{Inspector} {Roles.System}"),

        // Tamper evidence (architecture.md §4): the signing key is public; checkpoints, proofs and leaves are for those
        // who verify. Signing a checkpoint now writes no event, only a signature over the tree as it stands, so an
        // inspector may ask for one before saving it.
        Row("GET", "/api/v1/audit/public-key", string.Join(' ', All.Where(r => r != Partner))),
        Row("GET", "/api/v1/audit/checkpoints/latest", $"{Inspector} {Roles.System}"),
        Row("GET", "/api/v1/audit/checkpoints", $"{Inspector} {Roles.System}"),
        Row("GET", "/api/v1/audit/checkpoints/{treeSize:long}", $"{Inspector} {Roles.System}"),
        Row("POST", "/api/v1/audit/checkpoints", $"{Inspector} {Roles.System}"),
        Row("GET", "/api/v1/audit/proofs/inclusion", $"{Inspector} {Roles.System}"),
        Row("GET", "/api/v1/audit/proofs/consistency", $"{Inspector} {Roles.System}"),
        Row("GET", "/api/v1/audit/leaves/{leafIndex:long}", $"{Inspector} {Roles.System}"),

        // Operations.
        Row("GET", "/api/v1/admin/projections", $"{Inspector} {Roles.System}"),
        Row("POST", "/api/v1/admin/projections/{name}/rebuild", Roles.System),
    ];

    private static readonly Dictionary<(string Method, string Route), AccessRule> ByEndpoint =
        Rules.ToDictionary(r => (r.Method, r.Route));

    /// <summary>The row of an endpoint; null when it has none (then nobody may call it).</summary>
    public static AccessRule? Find(string method, string? routePattern) =>
        routePattern is not null && ByEndpoint.TryGetValue((method.ToUpperInvariant(), Normalise(routePattern)), out var rule) ? rule : null;

    /// <summary>Group prefixes leave "/api/v1/x/" for a group's root; the matrix writes it "/api/v1/x".</summary>
    public static string Normalise(string routePattern) => routePattern.Length > 1 ? routePattern.TrimEnd('/') : routePattern;

    private static AccessRule Row(string method, string route, string roles, string? partnerScope = null)
    {
        var list = roles.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
        if (list.Except(All).FirstOrDefault() is { } unknown)
        {
            throw new InvalidOperationException($"Unknown role '{unknown}' in the access matrix row {method} {route}.");
        }

        if (list.Contains(Partner) != (partnerScope is not null))
        {
            throw new InvalidOperationException($"The row {method} {route} must name a partner scope exactly when it lets partners in.");
        }

        return new AccessRule(method, route, list, partnerScope);
    }
}
