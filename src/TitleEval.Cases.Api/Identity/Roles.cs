namespace TitleEval.Cases.Api.Identity;

/// <summary>The roles of domain.md §1, as the <c>role</c> claim names them.</summary>
public static class Roles
{
    public const string Applicant = "applicant";
    public const string Employer = "employer";
    public const string Department = "department";
    public const string Bureau = "bureau";
    public const string CommitteeOffice = "committee-office";
    public const string Expert = "expert";
    public const string Inspector = "inspector";
    public const string Partner = "partner";

    /// <summary>The service's own operators and background jobs.</summary>
    public const string System = "system";

    public static readonly IReadOnlyList<string> All = [Applicant, Employer, Department, Bureau, CommitteeOffice, Expert, Inspector, Partner, System];
}

/// <summary>The claim names a token must carry (kept as issued: inbound claim mapping is off).</summary>
public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Organisation = "org";

    /// <summary>A bureau's region (the employer region on filings, e.g. 呼和浩特市); <c>*</c> = the whole autonomous region.</summary>
    public const string Region = "region";

    /// <summary>The committee a committee office runs or an expert sits on.</summary>
    public const string Committee = "committee";

    public const string ClientId = "client_id";

    /// <summary>Space-separated scopes (RFC 8693 §4.2).</summary>
    public const string Scope = "scope";
}
