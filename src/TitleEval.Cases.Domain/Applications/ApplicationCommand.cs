using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Domain.Applications;

/// <summary>What people ask of a case. Each carries the business date (<c>Today</c>, China Standard Time): deciders never read a clock.</summary>
public abstract record ApplicationCommand
{
    private ApplicationCommand()
    {
    }

    public required DateOnly Today { get; init; }

    /// <summary>The handler resolves the plan's window and the series' evaluation mode from reference data; the person's integrity flag from the person stream.</summary>
    public sealed record Submit(
        Guid ApplicationId,
        string PersonKey,
        Applicant Applicant,
        string Series,
        string Speciality,
        Level Level,
        Channel Channel,
        string CommitteeId,
        Plan Plan,
        EvaluationMode? Mode,
        Employer Employer,
        IReadOnlyList<int> PreferentialPolicies,
        ContinuingEducation ContinuingEducation,
        IReadOnlyList<string> Materials,
        bool IntegrityPledgeAccepted,
        ExamPass? ExamPass,
        IntegrityFlag? IntegrityFlag) : ApplicationCommand;

    public sealed record PassStage(ReviewStage Stage, string Reviewer, string Opinion) : ApplicationCommand;

    public sealed record OpenPublicity(PublicityStage Stage, DateOnly Start, int WorkingDays, string PostedAt, WorkingDayCalendar Calendar) : ApplicationCommand;

    public sealed record ClosePublicity(PublicityStage Stage) : ApplicationCommand;

    public sealed record LodgeObjection(Guid ObjectionId, ObjectionTopic Topic, string Summary) : ApplicationCommand;

    public sealed record ResolveObjection(Guid ObjectionId, ObjectionOutcome Outcome, string Findings) : ApplicationCommand;

    public sealed record ReturnForCorrection(ReviewStage Stage, IReadOnlyList<string> Items, DateOnly Deadline) : ApplicationCommand;

    public sealed record Resubmit(string Changes) : ApplicationCommand;

    public sealed record RejectIneligible(ReviewStage Stage, string Reason) : ApplicationCommand;

    public sealed record Withdraw(string Reason) : ApplicationCommand;

    public sealed record RecordVote(DateOnly MeetingDate, int Members, int Present, int Recused, int Yes, int No, int Abstain, bool Blind) : ApplicationCommand;

    /// <summary><paramref name="Quota"/>: the plan's places for the case's series and level and how many are taken, when the plan sets a quota.</summary>
    public sealed record Approve(string Authority, QuotaUse? Quota) : ApplicationCommand;

    public sealed record IssueCertificate(string CertificateNumber) : ApplicationCommand;

    public sealed record Disqualify(string Reason, bool Fraud, Guid? IntegrityRecordId) : ApplicationCommand;

    public sealed record RevokeForFraud(RevocationGrounds Grounds, string DecisionNumber, string Authority, Guid IntegrityRecordId) : ApplicationCommand;

    /// <summary>Sent by the background job when a correction deadline may have passed.</summary>
    public sealed record MarkDeemedWithdrawn() : ApplicationCommand;
}

public sealed record QuotaUse(int Places, int Taken);
