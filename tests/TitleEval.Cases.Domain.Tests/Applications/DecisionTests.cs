using FluentAssertions;
using TitleEval.Cases.Domain.Applications;
using static TitleEval.Cases.Domain.Applications.ApplicationCommand;
using static TitleEval.Cases.Domain.Applications.ApplicationEvent;
using static TitleEval.Cases.Domain.Tests.Applications.ApplicationSpec;

namespace TitleEval.Cases.Domain.Tests.Applications;

/// <summary>The committee vote, approval, certificate, disqualification and revocation.</summary>
public sealed class DecisionTests
{
    private static readonly DateOnly Meeting = new(2024, 9, 2);

    private static RecordVote Vote(int members, int present, int recused, int yes, int no, int abstain) =>
        new(Meeting, members, present, recused, yes, no, abstain, Blind: true) { Today = Meeting };

    private static bool Outcome(RecordVote vote) =>
        Given(Fixtures.Accepted).When(vote).ThenAccepted().Should().ContainSingle().Which.Should().BeOfType<Reviewed>().Which.Passed;

    [Fact]
    public void Yes_votes_of_exactly_two_thirds_of_those_present_pass() => Outcome(Vote(15, 12, 0, 8, 3, 1)).Should().BeTrue();

    [Fact]
    public void Yes_votes_just_below_two_thirds_do_not_pass()
    {
        Outcome(Vote(15, 12, 0, 7, 4, 1)).Should().BeFalse();
        ApplicationDecider.Fold([.. Fixtures.Accepted, new Reviewed(Meeting, 15, 12, 0, 7, 4, 1, true, false)]).Status.Should().Be(ApplicationStatus.NotPassed);
    }

    [Fact]
    public void Fewer_than_two_thirds_of_the_members_present_is_no_quorum()
    {
        Given(Fixtures.Accepted).When(Vote(15, 9, 0, 9, 0, 0)).ThenFails("quorum-not-met");
        Outcome(Vote(15, 10, 0, 7, 3, 0)).Should().BeTrue();
    }

    [Fact]
    public void Recused_members_count_neither_as_members_nor_as_present()
    {
        // 15 members, 3 recused: 12 eligible, 8 present is exactly two thirds.
        Outcome(Vote(15, 8, 3, 6, 2, 0)).Should().BeTrue();
        Given(Fixtures.Accepted).When(Vote(15, 7, 3, 7, 0, 0)).ThenFails("quorum-not-met");
        Given(Fixtures.Accepted).When(Vote(15, 13, 3, 13, 0, 0)).ThenFails("vote-counts-invalid");
    }

    [Fact]
    public void The_counts_must_add_up_to_those_present() =>
        Given(Fixtures.Accepted).When(Vote(15, 12, 0, 9, 2, 0)).ThenFails("vote-counts-invalid");

    [Fact]
    public void A_plan_years_review_happens_in_that_year() =>
        Given(Fixtures.Accepted).When(Vote(15, 12, 0, 12, 0, 0) with { MeetingDate = new DateOnly(2025, 1, 6) }).ThenFails("cross-year-review");

    [Fact]
    public void Only_an_accepted_case_is_voted_on() =>
        Given(Fixtures.AtBureau).When(Vote(15, 12, 0, 12, 0, 0)).ThenFails("not-allowed-in-status");

    [Fact]
    public void Approval_follows_the_closed_result_publicity() =>
        Given(Fixtures.ResultPublicityClosed).When(new Approve("呼和浩特市人社局", null) { Today = new(2024, 9, 20) })
            .Then(new Approved("呼和浩特市人社局", new(2024, 9, 20), Late: false));

    [Fact]
    public void Approval_more_than_a_month_after_the_review_is_flagged_late() =>
        Given(Fixtures.ResultPublicityClosed).When(new Approve("呼和浩特市人社局", null) { Today = new(2024, 10, 3) })
            .Then(new Approved("呼和浩特市人社局", new(2024, 10, 3), Late: true));

    [Fact]
    public void Approval_before_the_result_publicity_closed_is_refused()
    {
        Given(Fixtures.ReviewPassed).When(new Approve("人社局", null) { Today = new(2024, 9, 20) }).ThenFails("publicity-missing");
        Given([.. Fixtures.ReviewPassed, Fixtures.Opened(PublicityStage.Result, new(2024, 9, 3), new(2024, 9, 9))])
            .When(new Approve("人社局", null) { Today = new(2024, 9, 20) }).ThenFails("publicity-not-closed");
    }

    [Fact]
    public void Approval_while_an_objection_is_open_is_refused()
    {
        var objection = Guid.NewGuid();
        Given(
                [.. Fixtures.ReviewPassed,
                Fixtures.Opened(PublicityStage.Result, new(2024, 9, 3), new(2024, 9, 9)),
                new ObjectionLodged(objection, PublicityStage.Result, ObjectionTopic.MaterialAuthenticity, "业绩材料造假", new(2024, 9, 5)),
                new PublicityClosed(PublicityStage.Result, new(2024, 9, 10))])
            .When(new Approve("人社局", null) { Today = new(2024, 9, 20) }).ThenFails("objection-open");
    }

    [Fact]
    public void An_upheld_objection_leads_to_disqualification_not_approval()
    {
        var objection = Guid.NewGuid();
        var record = Guid.NewGuid();
        ApplicationEvent[] upheld =
        [
            .. Fixtures.ReviewPassed,
            Fixtures.Opened(PublicityStage.Result, new(2024, 9, 3), new(2024, 9, 9)),
            new ObjectionLodged(objection, PublicityStage.Result, ObjectionTopic.MaterialAuthenticity, "业绩材料造假", new(2024, 9, 5)),
            new ObjectionResolved(objection, ObjectionOutcome.Upheld, "经查属实", new(2024, 9, 8)),
            new PublicityClosed(PublicityStage.Result, new(2024, 9, 10)),
        ];

        Given(upheld).When(new Approve("人社局", null) { Today = new(2024, 9, 20) }).ThenFails("objection-upheld");
        Given(upheld).When(new Disqualify("业绩材料造假", Fraud: true, record) { Today = new(2024, 9, 20) })
            .Then(new Disqualified("业绩材料造假", true, record, new(2024, 9, 20)));
        Given(Fixtures.ReviewPassed).When(new Disqualify("无", Fraud: false, null) { Today = new(2024, 9, 20) }).ThenFails("no-upheld-objection");
    }

    [Fact]
    public void Approvals_beyond_the_plans_quota_are_refused()
    {
        Given(Fixtures.ResultPublicityClosed).When(new Approve("人社局", new QuotaUse(35, 35)) { Today = new(2024, 9, 20) }).ThenFails("quota-exhausted");
        Given(Fixtures.ResultPublicityClosed).When(new Approve("人社局", new QuotaUse(35, 34)) { Today = new(2024, 9, 20) }).ThenAccepted().Should().ContainSingle();
    }

    [Fact]
    public void The_certificate_is_issued_for_an_approved_title_only()
    {
        Given(Fixtures.Approved).When(new IssueCertificate("ZC2024-0001") { Today = new(2024, 9, 25) })
            .Then(new CertificateIssued("ZC2024-0001", "Engineering 建筑 DeputySenior", "Engineering", Level.DeputySenior, new(2024, 9, 25)));
        Given(Fixtures.ResultPublicityClosed).When(new IssueCertificate("ZC2024-0001") { Today = new(2024, 9, 25) }).ThenFails("not-allowed-in-status");
    }

    [Fact]
    public void A_title_never_approved_cannot_be_revoked() =>
        Given(Fixtures.ResultPublicityClosed).When(new RevokeForFraud(RevocationGrounds.FalseMaterials, "呼人社决〔2025〕1号", "呼和浩特市人社局", Guid.NewGuid()) { Today = new(2025, 3, 1) })
            .ThenFails("revocation-of-unapproved");

    [Fact]
    public void An_approved_title_is_revoked_for_fraud_with_its_integrity_record()
    {
        var record = Guid.NewGuid();
        Given([.. Fixtures.Approved, new CertificateIssued("ZC2024-0001", "t", "Engineering", Level.DeputySenior, new(2024, 9, 25))])
            .When(new RevokeForFraud(RevocationGrounds.Plagiarism, "呼人社决〔2025〕1号", "呼和浩特市人社局", record) { Today = new(2025, 3, 1) })
            .Then(new RevokedForFraud(RevocationGrounds.Plagiarism, "呼人社决〔2025〕1号", "呼和浩特市人社局", record, new(2025, 3, 1)));
    }
}
