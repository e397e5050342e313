namespace TitleEval.Cases.Domain.Applications;

/// <summary>Everything that can happen to an application case (domain.md §3). Closed: only the records below derive from it.</summary>
public abstract record ApplicationEvent
{
    private ApplicationEvent()
    {
    }

    public sealed record Submitted(
        Guid ApplicationId,
        string PersonKey,
        Applicant Applicant,
        string Series,
        string Speciality,
        Level Level,
        Channel Channel,
        string CommitteeId,
        string PlanId,
        int PlanYear,
        DateOnly WindowCloses,
        Employer Employer,
        IReadOnlyList<int> PreferentialPolicies,
        ContinuingEducation ContinuingEducation,
        IReadOnlyList<string> Materials,
        bool IntegrityPledgeAccepted,
        ExamPass? ExamPass,
        IntegrityFlag? IntegrityFlag,
        DateOnly SubmittedOn) : ApplicationEvent;

    /// <summary>"谁审核、谁签字、谁负责" [002 六(一)1]: the reviewer and the opinion are part of the fact.</summary>
    public sealed record StageReviewPassed(ReviewStage Stage, string Reviewer, string Opinion, DateOnly On) : ApplicationEvent;

    public sealed record PublicityOpened(PublicityStage Stage, DateOnly Start, DateOnly End, int WorkingDays, string PostedAt) : ApplicationEvent;

    public sealed record PublicityClosed(PublicityStage Stage, DateOnly On) : ApplicationEvent;

    public sealed record ObjectionLodged(Guid ObjectionId, PublicityStage During, ObjectionTopic Topic, string Summary, DateOnly On) : ApplicationEvent;

    public sealed record ObjectionResolved(Guid ObjectionId, ObjectionOutcome Outcome, string Findings, DateOnly On) : ApplicationEvent;

    public sealed record ReturnedForCorrection(ReviewStage Stage, IReadOnlyList<string> Items, DateOnly Deadline, DateOnly On) : ApplicationEvent;

    public sealed record Resubmitted(string Changes, DateOnly On) : ApplicationEvent;

    public sealed record DeemedWithdrawn(DateOnly Deadline, DateOnly On) : ApplicationEvent;

    public sealed record RejectedIneligible(ReviewStage Stage, string Reason, DateOnly On) : ApplicationEvent;

    public sealed record Withdrawn(string Reason, DateOnly On) : ApplicationEvent;

    /// <summary>The committee's vote; <see cref="Passed"/> is computed by the decider from the counts, never asserted by a client.</summary>
    public sealed record Reviewed(DateOnly MeetingDate, int Members, int Present, int Recused, int Yes, int No, int Abstain, bool Blind, bool Passed) : ApplicationEvent;

    public sealed record Approved(string Authority, DateOnly On, bool Late) : ApplicationEvent;

    public sealed record CertificateIssued(string CertificateNumber, string Title, string Series, Level Level, DateOnly On) : ApplicationEvent;

    public sealed record Disqualified(string Reason, bool Fraud, Guid? IntegrityRecordId, DateOnly On) : ApplicationEvent;

    public sealed record RevokedForFraud(RevocationGrounds Grounds, string DecisionNumber, string Authority, Guid IntegrityRecordId, DateOnly On) : ApplicationEvent;
}
