using FluentAssertions;
using TitleEval.Cases.Domain.Applications;
using static TitleEval.Cases.Domain.Applications.ApplicationCommand;
using static TitleEval.Cases.Domain.Applications.ApplicationEvent;
using static TitleEval.Cases.Domain.Tests.Applications.ApplicationSpec;

namespace TitleEval.Cases.Domain.Tests.Applications;

public sealed class ReviewChainTests
{
    private static readonly DateOnly Day = new(2024, 5, 28);

    [Fact]
    public void The_employer_recommends_only_after_its_publicity_was_held() =>
        Given(Fixtures.Submitted).When(new PassStage(ReviewStage.Employer, "李四", "同意") { Today = Day }).ThenFails("publicity-missing");

    [Fact]
    public void The_employer_cannot_recommend_while_its_publicity_runs() =>
        Given(Fixtures.Submitted, Fixtures.Opened(PublicityStage.Employer, new(2024, 5, 21), new(2024, 5, 27)))
            .When(new PassStage(ReviewStage.Employer, "李四", "同意") { Today = Day }).ThenFails("publicity-not-closed");

    [Fact]
    public void An_open_objection_from_the_publicity_stops_the_stage()
    {
        var objection = Guid.NewGuid();
        Given(
                Fixtures.Submitted,
                Fixtures.Opened(PublicityStage.Employer, new(2024, 5, 21), new(2024, 5, 27)),
                new ObjectionLodged(objection, PublicityStage.Employer, ObjectionTopic.MaterialAuthenticity, "论文疑似抄袭", new(2024, 5, 22)),
                new PublicityClosed(PublicityStage.Employer, Day))
            .When(new PassStage(ReviewStage.Employer, "李四", "同意") { Today = Day }).ThenFails("objection-open");
    }

    [Fact]
    public void An_upheld_objection_stops_the_stage_for_good()
    {
        var objection = Guid.NewGuid();
        Given(
                Fixtures.Submitted,
                Fixtures.Opened(PublicityStage.Employer, new(2024, 5, 21), new(2024, 5, 27)),
                new ObjectionLodged(objection, PublicityStage.Employer, ObjectionTopic.MaterialAuthenticity, "论文疑似抄袭", new(2024, 5, 22)),
                new ObjectionResolved(objection, ObjectionOutcome.Upheld, "经查属实", new(2024, 5, 24)),
                new PublicityClosed(PublicityStage.Employer, Day))
            .When(new PassStage(ReviewStage.Employer, "李四", "同意") { Today = Day }).ThenFails("objection-upheld");
    }

    [Fact]
    public void After_its_publicity_closed_the_employer_stage_passes_with_reviewer_and_opinion() =>
        Given(Fixtures.Submitted, Fixtures.Opened(PublicityStage.Employer, new(2024, 5, 21), new(2024, 5, 27)), new PublicityClosed(PublicityStage.Employer, Day))
            .When(new PassStage(ReviewStage.Employer, "李四", "同意推荐") { Today = Day })
            .Then(new StageReviewPassed(ReviewStage.Employer, "李四", "同意推荐", Day));

    [Fact]
    public void Stages_pass_in_order() =>
        Given(Fixtures.Submitted).When(new PassStage(ReviewStage.Bureau, "赵六", "同意") { Today = Day }).ThenFails("wrong-stage");

    [Fact]
    public void The_bureau_passes_the_case_on_only_after_the_roster_publicity() =>
        Given(Fixtures.AtBureau).When(new PassStage(ReviewStage.Bureau, "赵六", "同意") { Today = new(2024, 6, 11) }).ThenFails("publicity-missing");

    [Fact]
    public void The_committee_office_check_accepts_the_case() =>
        ApplicationDecider.Fold(Fixtures.Accepted).Status.Should().Be(ApplicationStatus.Accepted);

    [Fact]
    public void A_return_lists_every_item_and_a_deadline()
    {
        Given(Fixtures.AtBureau).When(new ReturnForCorrection(ReviewStage.Bureau, [], new(2024, 5, 31)) { Today = Day }).ThenFails("return-without-items");
        Given(Fixtures.AtBureau).When(new ReturnForCorrection(ReviewStage.Bureau, ["  "], new(2024, 5, 31)) { Today = Day }).ThenFails("return-without-items");
        Given(Fixtures.AtBureau).When(new ReturnForCorrection(ReviewStage.Bureau, ["缺少继续教育证明"], Day) { Today = Day }).ThenFails("correction-deadline-invalid");
        Given(Fixtures.AtBureau).When(new ReturnForCorrection(ReviewStage.Bureau, ["缺少继续教育证明", "论文首页不清晰"], new(2024, 5, 31)) { Today = Day })
            .Then(new ReturnedForCorrection(ReviewStage.Bureau, ["缺少继续教育证明", "论文首页不清晰"], new(2024, 5, 31), Day));
    }

    [Fact]
    public void Before_the_window_closes_a_correction_deadline_cannot_pass_it() =>
        Given(Fixtures.AtBureau).When(new ReturnForCorrection(ReviewStage.Bureau, ["缺少证明"], new(2024, 6, 5)) { Today = Day }).ThenFails("correction-deadline-invalid");

    [Fact]
    public void The_committee_office_sets_its_own_time_limit_after_the_window() =>
        Given([.. Fixtures.Accepted[..^1]])
            .When(new ReturnForCorrection(ReviewStage.CommitteeOffice, ["学历证书与系统信息不一致"], new(2024, 6, 20)) { Today = new(2024, 6, 12) })
            .ThenAccepted().Should().ContainSingle();

    [Fact]
    public void A_returned_case_is_resubmitted_until_its_deadline_and_not_after()
    {
        ApplicationEvent[] returned = [.. Fixtures.AtBureau, new ReturnedForCorrection(ReviewStage.Bureau, ["缺少证明"], new(2024, 5, 31), Day)];

        Given(returned).When(new Resubmit("补充了继续教育证明") { Today = new(2024, 5, 31) }).Then(new Resubmitted("补充了继续教育证明", new(2024, 5, 31)));
        Given(returned).When(new Resubmit("补充了继续教育证明") { Today = new(2024, 6, 1) }).ThenFails("correction-deadline-passed");
        ApplicationDecider.Fold([.. returned, new Resubmitted("补充", new(2024, 5, 30))]).Stage.Should().Be(ReviewStage.Bureau);
    }

    [Fact]
    public void A_returned_case_past_its_deadline_is_deemed_withdrawn_once()
    {
        ApplicationEvent[] returned = [.. Fixtures.AtBureau, new ReturnedForCorrection(ReviewStage.Bureau, ["缺少证明"], new(2024, 5, 31), Day)];

        Given(returned).When(new MarkDeemedWithdrawn { Today = new(2024, 5, 31) }).Then();
        Given(returned).When(new MarkDeemedWithdrawn { Today = new(2024, 6, 1) }).Then(new DeemedWithdrawn(new(2024, 5, 31), new(2024, 6, 1)));
        Given([.. returned, new DeemedWithdrawn(new(2024, 5, 31), new(2024, 6, 1))]).When(new MarkDeemedWithdrawn { Today = new(2024, 6, 2) }).Then();
    }

    [Fact]
    public void A_case_is_rejected_as_ineligible_at_its_stage_with_a_reason() =>
        Given(Fixtures.AtBureau).When(new RejectIneligible(ReviewStage.Bureau, "超出评委会受理范围") { Today = Day })
            .Then(new RejectedIneligible(ReviewStage.Bureau, "超出评委会受理范围", Day));

    [Fact]
    public void The_applicant_withdraws_until_the_vote_and_not_after()
    {
        Given(Fixtures.Accepted).When(new Withdraw("个人原因") { Today = Day }).Then(new Withdrawn("个人原因", Day));
        Given(Fixtures.ReviewPassed).When(new Withdraw("个人原因") { Today = Day }).ThenFails("not-allowed-in-status");
    }

    [Fact]
    public void Nothing_happens_to_a_withdrawn_case() =>
        Given([.. Fixtures.AtBureau, new Withdrawn("个人原因", Day)]).When(new PassStage(ReviewStage.Bureau, "赵六", "同意") { Today = Day }).ThenFails("not-allowed-in-status");
}
