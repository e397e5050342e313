using System.Diagnostics;
using TitleEval.Cases.Domain.Reference;
using static TitleEval.Cases.Domain.Applications.ApplicationCommand;
using static TitleEval.Cases.Domain.Applications.ApplicationEvent;

namespace TitleEval.Cases.Domain.Applications;

/// <summary>The application case: <see cref="Decide"/> turns a command into events or a refusal; <see cref="Evolve"/> folds events.</summary>
public static class ApplicationDecider
{
    /// <summary>Publicity lasts at least this many working days [001 五; 000 六(一)].</summary>
    public const int MinimumPublicityWorkingDays = 5;

    public static ApplicationState Initial => ApplicationState.None;

    public static ApplicationState Fold(IEnumerable<ApplicationEvent> events) => events.Aggregate(Initial, Evolve);

    public static Decision<ApplicationEvent> Decide(ApplicationCommand command, ApplicationState state)
    {
        if (command is Submit submit)
        {
            return state.Exists ? DomainErrors.ApplicationExists() : DecideSubmit(submit);
        }

        if (!state.Exists)
        {
            return DomainErrors.ApplicationNotFound();
        }

        return command switch
        {
            PassStage c => DecidePassStage(c, state),
            OpenPublicity c => DecideOpenPublicity(c, state),
            ClosePublicity c => DecideClosePublicity(c, state),
            LodgeObjection c => DecideLodgeObjection(c, state),
            ResolveObjection c => DecideResolveObjection(c, state),
            ReturnForCorrection c => DecideReturn(c, state),
            Resubmit c => DecideResubmit(c, state),
            RejectIneligible c => DecideReject(c, state),
            Withdraw c => DecideWithdraw(c, state),
            RecordVote c => DecideVote(c, state),
            Approve c => DecideApprove(c, state),
            IssueCertificate c => DecideIssueCertificate(c, state),
            Disqualify c => DecideDisqualify(c, state),
            RevokeForFraud c => DecideRevoke(c, state),
            MarkDeemedWithdrawn c => DecideDeemedWithdrawn(c, state),
            Submit => throw new UnreachableException(),
            _ => throw new UnreachableException($"Unknown command {command.GetType().Name}"),
        };
    }

    public static ApplicationState Evolve(ApplicationState state, ApplicationEvent @event) => @event switch
    {
        Submitted e => state with { Filing = e, Status = ApplicationStatus.InReview, Stage = ReviewStage.Employer },
        StageReviewPassed e when e.Stage == ReviewStage.CommitteeOffice => state with { Status = ApplicationStatus.Accepted },
        StageReviewPassed e => state with { Stage = e.Stage + 1 },
        PublicityOpened e => state with { Publicities = state.Publicities.SetItem(e.Stage, new Publicity(e.Start, e.End, Closed: false)) },
        PublicityClosed e => state with { Publicities = state.Publicities.SetItem(e.Stage, state.Publicities[e.Stage] with { Closed = true }) },
        ObjectionLodged e => state with { OpenObjections = state.OpenObjections.Add(e.ObjectionId, e.During) },
        ObjectionResolved e => state with
        {
            OpenObjections = state.OpenObjections.Remove(e.ObjectionId),
            ObjectionUpheld = state.ObjectionUpheld || e.Outcome == ObjectionOutcome.Upheld,
        },
        ReturnedForCorrection e => state with { Status = ApplicationStatus.Returned, Stage = e.Stage, CorrectionDeadline = e.Deadline },
        Resubmitted => state with { Status = ApplicationStatus.InReview, CorrectionDeadline = null },
        DeemedWithdrawn => state with { Status = ApplicationStatus.DeemedWithdrawn },
        RejectedIneligible => state with { Status = ApplicationStatus.RejectedIneligible },
        Withdrawn => state with { Status = ApplicationStatus.Withdrawn },
        Reviewed e => state with { Vote = e, Status = e.Passed ? ApplicationStatus.ReviewPassed : ApplicationStatus.NotPassed },
        Approved e => state with { Status = ApplicationStatus.Approved, ApprovedOn = e.On },
        CertificateIssued e => state with { Status = ApplicationStatus.CertificateIssued, CertificateNumber = e.CertificateNumber },
        Disqualified => state with { Status = ApplicationStatus.Disqualified },
        RevokedForFraud => state with { Status = ApplicationStatus.RevokedForFraud },
        _ => throw new UnreachableException($"Unknown event {@event.GetType().Name}"),
    };

    /// <summary>The vote rule of 人社部令第40号: at least 2/3 of the members present (recused members count neither way), and yes ≥ 2/3 of those present.</summary>
    public static bool QuorumMet(int members, int present, int recused) => 3 * present >= 2 * (members - recused);

    public static bool VotePasses(int present, int yes) => 3 * yes >= 2 * present;

    private static Decision<ApplicationEvent> DecideSubmit(Submit c)
    {
        // [001 一(四)] civil servants, those managed as civil servants and retirees are out of scope.
        if (c.Applicant.EmploymentStatus != EmploymentStatus.Employed)
        {
            return DomainErrors.OutOfScope(c.Applicant.EmploymentStatus.ToString());
        }

        if (!ResidentId.IsValid(c.Applicant.ResidentId))
        {
            return DomainErrors.InvalidResidentId();
        }

        if (!c.IntegrityPledgeAccepted)
        {
            return DomainErrors.IntegrityPledgeRequired();
        }

        if ((c.Channel == Channel.GreenChannel) != c.Plan.GreenChannel)
        {
            return DomainErrors.ChannelNotInPlan(c.Channel.ToString(), c.Plan.Id);
        }

        // [001 四(二)] first: an exam-replaces-review title is not evaluated at all, whatever the window.
        switch (c.Mode)
        {
            case null:
                return DomainErrors.UnknownSeries(c.Series, c.Level);
            case EvaluationMode.ExamReplacesReview:
                return DomainErrors.ExamReplacesReview(c.Series, c.Level);
            case EvaluationMode.ExamPlusReview when c.ExamPass is null || c.ExamPass.ValidUntil < c.Today:
                return DomainErrors.ExamPassRequired(c.Series, c.Level);
        }

        // [002 三(二)] only inside the level's window; late applications are not accepted.
        var window = c.Plan.WindowFor(c.Level);
        if (window is null || c.Today < window.Opens || c.Today > window.Closes)
        {
            return DomainErrors.OutsideWindow(c.Level, window?.Opens, window?.Closes, c.Today);
        }

        // [000 附件2] code 8 (pandemic front line) is valid to the end of 2026.
        if (c.PreferentialPolicies.Contains(8) && c.Plan.Year > 2026)
        {
            return DomainErrors.PreferentialPolicyExpired(8, new DateOnly(2026, 12, 31));
        }

        return Decision<ApplicationEvent>.Accept(new Submitted(
            c.ApplicationId, c.PersonKey, c.Applicant, c.Series, c.Speciality, c.Level, c.Channel, c.CommitteeId, c.Plan.Id, c.Plan.Year,
            window.Closes, c.Employer, c.PreferentialPolicies, c.ContinuingEducation, c.Materials, c.IntegrityPledgeAccepted, c.ExamPass,
            c.IntegrityFlag, c.Today));
    }

    private static Decision<ApplicationEvent> DecidePassStage(PassStage c, ApplicationState state)
    {
        if (state.Status != ApplicationStatus.InReview)
        {
            return DomainErrors.NotAllowedInStatus("pass a review stage", state.Status.ToString());
        }

        if (c.Stage != state.Stage)
        {
            return DomainErrors.WrongStage(c.Stage.ToString(), state.Stage.ToString());
        }

        // The employer recommends only after the in-unit publicity; the bureau passes the case on only after the roster publicity [001 五].
        var required = c.Stage switch
        {
            ReviewStage.Employer => PublicityStage.Employer,
            ReviewStage.Bureau => PublicityStage.Roster,
            _ => (PublicityStage?)null,
        };
        if (required is { } stage && PublicityBlocks(state, stage) is { } blocked)
        {
            return blocked;
        }

        if (state.ObjectionUpheld)
        {
            return DomainErrors.ObjectionUpheld();
        }

        return Decision<ApplicationEvent>.Accept(new StageReviewPassed(c.Stage, c.Reviewer, c.Opinion, c.Today));
    }

    private static Decision<ApplicationEvent> DecideOpenPublicity(OpenPublicity c, ApplicationState state)
    {
        var allowed = c.Stage switch
        {
            PublicityStage.Employer => state.Status == ApplicationStatus.InReview && state.Stage == ReviewStage.Employer,
            PublicityStage.Roster => state.Status == ApplicationStatus.InReview && state.Stage == ReviewStage.Bureau,
            PublicityStage.Result => state.Status == ApplicationStatus.ReviewPassed,
            _ => false,
        };
        if (!allowed || state.Publicities.ContainsKey(c.Stage))
        {
            return DomainErrors.NotAllowedInStatus($"open the {c.Stage} publicity", $"{state.Status}/{state.Stage}");
        }

        if (c.WorkingDays < MinimumPublicityWorkingDays)
        {
            return DomainErrors.PublicityTooShort(c.WorkingDays);
        }

        if (!c.Calendar.TryEndOfPeriod(c.Start, c.WorkingDays, out var end, out var missingYear))
        {
            return DomainErrors.CalendarMissing(missingYear);
        }

        return Decision<ApplicationEvent>.Accept(new PublicityOpened(c.Stage, c.Start, end, c.WorkingDays, c.PostedAt));
    }

    private static Decision<ApplicationEvent> DecideClosePublicity(ClosePublicity c, ApplicationState state)
    {
        if (!state.Publicities.TryGetValue(c.Stage, out var publicity) || publicity.Closed)
        {
            return DomainErrors.NotAllowedInStatus($"close the {c.Stage} publicity", publicity is null ? "not opened" : "closed");
        }

        // The period ends at the close of its last working day: it can be closed from the next day on.
        if (c.Today <= publicity.End)
        {
            return DomainErrors.PublicityStillRunning(publicity.End);
        }

        return Decision<ApplicationEvent>.Accept(new PublicityClosed(c.Stage, c.Today));
    }

    private static Decision<ApplicationEvent> DecideLodgeObjection(LodgeObjection c, ApplicationState state)
    {
        if (state.IsTerminal)
        {
            return DomainErrors.NotAllowedInStatus("lodge an objection", state.Status.ToString());
        }

        if (state.OpenPublicity is not { } during)
        {
            return DomainErrors.NoOpenPublicity();
        }

        if (state.OpenObjections.ContainsKey(c.ObjectionId))
        {
            return Decision<ApplicationEvent>.Accept();
        }

        return Decision<ApplicationEvent>.Accept(new ObjectionLodged(c.ObjectionId, during, c.Topic, c.Summary, c.Today));
    }

    private static Decision<ApplicationEvent> DecideResolveObjection(ResolveObjection c, ApplicationState state)
    {
        if (!state.OpenObjections.ContainsKey(c.ObjectionId))
        {
            return DomainErrors.UnknownObjection(c.ObjectionId);
        }

        return Decision<ApplicationEvent>.Accept(new ObjectionResolved(c.ObjectionId, c.Outcome, c.Findings, c.Today));
    }

    private static Decision<ApplicationEvent> DecideReturn(ReturnForCorrection c, ApplicationState state)
    {
        if (state.Status != ApplicationStatus.InReview)
        {
            return DomainErrors.NotAllowedInStatus("return for correction", state.Status.ToString());
        }

        if (c.Stage != state.Stage)
        {
            return DomainErrors.WrongStage(c.Stage.ToString(), state.Stage.ToString());
        }

        // [001 五(二)] a one-time notice of ALL items to correct.
        var items = c.Items.Where(i => !string.IsNullOrWhiteSpace(i)).ToArray();
        if (items.Length == 0)
        {
            return DomainErrors.ReturnWithoutItems();
        }

        if (c.Deadline <= c.Today)
        {
            return DomainErrors.CorrectionDeadlineInvalid(c.Deadline, null);
        }

        // [002 三(二)] nothing is resubmitted after the window closes; only the committee office's check, which comes
        // after the window, sets its own time limit in its one-time notice [002 三(四)5].
        var closes = state.Filing!.WindowCloses;
        if (c.Stage != ReviewStage.CommitteeOffice && c.Deadline > closes && c.Today <= closes)
        {
            return DomainErrors.CorrectionDeadlineInvalid(c.Deadline, closes);
        }

        return Decision<ApplicationEvent>.Accept(new ReturnedForCorrection(c.Stage, items, c.Deadline, c.Today));
    }

    private static Decision<ApplicationEvent> DecideResubmit(Resubmit c, ApplicationState state)
    {
        if (state.Status != ApplicationStatus.Returned)
        {
            return DomainErrors.NotAllowedInStatus("resubmit", state.Status.ToString());
        }

        if (c.Today > state.CorrectionDeadline)
        {
            return DomainErrors.CorrectionDeadlinePassed(state.CorrectionDeadline!.Value);
        }

        return Decision<ApplicationEvent>.Accept(new Resubmitted(c.Changes, c.Today));
    }

    private static Decision<ApplicationEvent> DecideDeemedWithdrawn(MarkDeemedWithdrawn c, ApplicationState state)
    {
        // Idempotent: the job may run any number of times; only a returned case past its deadline changes.
        if (state.Status != ApplicationStatus.Returned || c.Today <= state.CorrectionDeadline)
        {
            return Decision<ApplicationEvent>.Accept();
        }

        return Decision<ApplicationEvent>.Accept(new DeemedWithdrawn(state.CorrectionDeadline!.Value, c.Today));
    }

    private static Decision<ApplicationEvent> DecideReject(RejectIneligible c, ApplicationState state)
    {
        if (state.Status is not (ApplicationStatus.InReview or ApplicationStatus.Returned))
        {
            return DomainErrors.NotAllowedInStatus("reject as ineligible", state.Status.ToString());
        }

        if (c.Stage != state.Stage)
        {
            return DomainErrors.WrongStage(c.Stage.ToString(), state.Stage.ToString());
        }

        return Decision<ApplicationEvent>.Accept(new RejectedIneligible(c.Stage, c.Reason, c.Today));
    }

    private static Decision<ApplicationEvent> DecideWithdraw(Withdraw c, ApplicationState state)
    {
        // Once the committee has voted there is nothing left to withdraw.
        if (state.Status is not (ApplicationStatus.InReview or ApplicationStatus.Returned or ApplicationStatus.Accepted))
        {
            return DomainErrors.NotAllowedInStatus("withdraw", state.Status.ToString());
        }

        return Decision<ApplicationEvent>.Accept(new Withdrawn(c.Reason, c.Today));
    }

    private static Decision<ApplicationEvent> DecideVote(RecordVote c, ApplicationState state)
    {
        if (state.Status != ApplicationStatus.Accepted)
        {
            return DomainErrors.NotAllowedInStatus("record the committee vote", state.Status.ToString());
        }

        // [001 二(一)] no cross-year evaluation.
        if (c.MeetingDate.Year != state.Filing!.PlanYear)
        {
            return DomainErrors.CrossYearReview(state.Filing.PlanYear, c.MeetingDate);
        }

        if (c.Members <= 0 || c.Recused < 0 || c.Present < 0 || c.Yes < 0 || c.No < 0 || c.Abstain < 0)
        {
            return DomainErrors.VoteCountsInvalid("counts are positive (members) or zero or more (the rest)");
        }

        if (c.Present > c.Members - c.Recused)
        {
            return DomainErrors.VoteCountsInvalid($"present ({c.Present}) exceeds members less recused ({c.Members - c.Recused})");
        }

        if (c.Yes + c.No + c.Abstain != c.Present)
        {
            return DomainErrors.VoteCountsInvalid($"yes + no + abstain ({c.Yes + c.No + c.Abstain}) must equal present ({c.Present})");
        }

        if (!QuorumMet(c.Members, c.Present, c.Recused))
        {
            return DomainErrors.QuorumNotMet(c.Present, c.Members - c.Recused);
        }

        return Decision<ApplicationEvent>.Accept(new Reviewed(c.MeetingDate, c.Members, c.Present, c.Recused, c.Yes, c.No, c.Abstain, c.Blind, VotePasses(c.Present, c.Yes)));
    }

    private static Decision<ApplicationEvent> DecideApprove(Approve c, ApplicationState state)
    {
        if (state.Status != ApplicationStatus.ReviewPassed)
        {
            return DomainErrors.NotAllowedInStatus("approve", state.Status.ToString());
        }

        // Rule 10: only after the result publicity closed with no open objection.
        if (PublicityBlocks(state, PublicityStage.Result) is { } blocked)
        {
            return blocked;
        }

        if (state.ObjectionUpheld)
        {
            return DomainErrors.ObjectionUpheld();
        }

        // [002 五(九)]
        if (c.Quota is { } quota && quota.Taken >= quota.Places)
        {
            return DomainErrors.QuotaExhausted(quota.Places);
        }

        // [000 六(二)4] results are filed within one month of the review; later filings are flagged.
        var late = c.Today > state.Vote!.MeetingDate.AddMonths(1);
        return Decision<ApplicationEvent>.Accept(new Approved(c.Authority, c.Today, late));
    }

    private static Decision<ApplicationEvent> DecideIssueCertificate(IssueCertificate c, ApplicationState state)
    {
        if (state.Status != ApplicationStatus.Approved)
        {
            return DomainErrors.NotAllowedInStatus("issue the certificate", state.Status.ToString());
        }

        var f = state.Filing!;
        return Decision<ApplicationEvent>.Accept(new CertificateIssued(c.CertificateNumber, $"{f.Series} {f.Speciality} {f.Level}", f.Series, f.Level, c.Today));
    }

    private static Decision<ApplicationEvent> DecideDisqualify(Disqualify c, ApplicationState state)
    {
        if (state.Status is not (ApplicationStatus.Accepted or ApplicationStatus.ReviewPassed))
        {
            return DomainErrors.NotAllowedInStatus("disqualify", state.Status.ToString());
        }

        if (!state.ObjectionUpheld)
        {
            return DomainErrors.NoUpheldObjection();
        }

        return Decision<ApplicationEvent>.Accept(new Disqualified(c.Reason, c.Fraud, c.Fraud ? c.IntegrityRecordId : null, c.Today));
    }

    private static Decision<ApplicationEvent> DecideRevoke(RevokeForFraud c, ApplicationState state)
    {
        // Rule 11: only an approved title [001 七(三)].
        if (state.Status is not (ApplicationStatus.Approved or ApplicationStatus.CertificateIssued))
        {
            return DomainErrors.RevocationOfUnapproved();
        }

        return Decision<ApplicationEvent>.Accept(new RevokedForFraud(c.Grounds, c.DecisionNumber, c.Authority, c.IntegrityRecordId, c.Today));
    }

    /// <summary>Rule 6: a stage that needs a publicity advances only when it was held, has closed and has no open objection.</summary>
    private static DomainError? PublicityBlocks(ApplicationState state, PublicityStage stage)
    {
        if (!state.Publicities.TryGetValue(stage, out var publicity))
        {
            return DomainErrors.PublicityMissing(stage.ToString());
        }

        if (!publicity.Closed)
        {
            return DomainErrors.PublicityNotClosed(stage.ToString());
        }

        return state.OpenObjections.Values.Contains(stage) ? DomainErrors.ObjectionOpen() : null;
    }
}
