using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Identity;

/// <summary>
/// In the review chain each office decides at its own stage only: an employer cannot pass, return or reject at the
/// bureau's stage, even on a case in its scope ("谁审核、谁签字、谁负责" [002 六(一)1]).
/// </summary>
public static class StageOwnership
{
    public static string RoleOf(ReviewStage stage) => stage switch
    {
        ReviewStage.Employer => Roles.Employer,
        ReviewStage.Department => Roles.Department,
        ReviewStage.Bureau => Roles.Bureau,
        _ => Roles.CommitteeOffice,
    };

    /// <summary>403 when the body names a stage that is not the caller's; null to go on (a missing stage is the validator's to report).</summary>
    public static IResult? Refuse(HttpContext http, ReviewStage? stage) =>
        stage is { } s && Caller.Of(http).Role != RoleOf(s) ? Results.Forbid() : null;
}
