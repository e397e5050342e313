using FluentAssertions;
using TitleEval.Cases.Domain.Applications;
using static TitleEval.Cases.Domain.Applications.ApplicationEvent;
using static TitleEval.Cases.Domain.Tests.Applications.ApplicationSpec;

namespace TitleEval.Cases.Domain.Tests.Applications;

public sealed class SubmitTests
{
    [Fact]
    public void A_complete_application_inside_the_window_is_submitted_with_all_its_facts()
    {
        var submitted = Given().When(Fixtures.Submit()).ThenAccepted().Should().ContainSingle().Which.Should().BeOfType<Submitted>().Which;

        submitted.ApplicationId.Should().Be(Fixtures.ApplicationId);
        submitted.PlanYear.Should().Be(2024);
        submitted.WindowCloses.Should().Be(new DateOnly(2024, 5, 31));
        submitted.Applicant.Should().Be(Fixtures.Applicant);
        submitted.SubmittedOn.Should().Be(new DateOnly(2024, 5, 20));
        ApplicationDecider.Fold([submitted]).Status.Should().Be(ApplicationStatus.InReview);
    }

    [Theory]
    [InlineData(EmploymentStatus.CivilServant)]
    [InlineData(EmploymentStatus.ManagedAsCivilServant)]
    [InlineData(EmploymentStatus.Retired)]
    public void Civil_servants_and_retirees_may_not_apply(EmploymentStatus status) =>
        Given().When(Fixtures.Submit(applicant: Fixtures.Applicant with { EmploymentStatus = status })).ThenFails("out-of-scope");

    [Theory]
    [InlineData(2024, 6, 1)]
    [InlineData(2024, 5, 5)]
    public void An_application_outside_the_window_is_refused(int year, int month, int day) =>
        Given().When(Fixtures.Submit(today: new DateOnly(year, month, day))).ThenFails("outside-window");

    [Fact]
    public void The_last_day_of_the_window_is_inside_it() =>
        Given().When(Fixtures.Submit(today: new DateOnly(2024, 5, 31))).ThenAccepted().Should().ContainSingle();

    [Fact]
    public void A_level_the_plan_takes_no_applications_for_is_refused() =>
        Given().When(Fixtures.Submit(level: Level.FullSenior)).ThenFails("outside-window");

    [Fact]
    public void An_exam_replaces_review_title_is_refused() =>
        Given().When(Fixtures.Submit(level: Level.Intermediate, mode: EvaluationMode.ExamReplacesReview)).ThenFails("exam-replaces-review");

    [Fact]
    public void An_exam_plus_review_title_needs_an_exam_pass_still_valid()
    {
        Given().When(Fixtures.Submit(mode: EvaluationMode.ExamPlusReview)).ThenFails("exam-pass-required");
        Given().When(Fixtures.Submit(mode: EvaluationMode.ExamPlusReview, exam: new ExamPass("KS2019", new(2019, 9, 1), new(2024, 5, 19)))).ThenFails("exam-pass-required");
        Given().When(Fixtures.Submit(mode: EvaluationMode.ExamPlusReview, exam: new ExamPass("KS2021", new(2021, 9, 1), new(2024, 5, 20)))).ThenAccepted().Should().ContainSingle();
    }

    [Fact]
    public void A_series_without_that_level_is_refused() =>
        Given().When(Fixtures.Submit(mode: null)).ThenFails("unknown-series");

    [Theory]
    [InlineData("110105194912310021")]
    [InlineData("11010519491231002")]
    [InlineData("1101051949123100XX")]
    [InlineData("110105194913310029")]
    public void A_resident_id_failing_the_check_digit_is_refused(string id) =>
        Given().When(Fixtures.Submit(applicant: Fixtures.Applicant with { ResidentId = id })).ThenFails("invalid-resident-id");

    [Fact]
    public void The_integrity_pledge_is_required() =>
        Given().When(Fixtures.Submit() with { IntegrityPledgeAccepted = false }).ThenFails("integrity-pledge-required");

    [Fact]
    public void The_pandemic_front_line_policy_is_refused_after_2026() =>
        Given().When(Fixtures.Submit() with
        {
            Plan = Fixtures.Plan2024 with { Year = 2027 },
            PreferentialPolicies = [8],
        }).ThenFails("preferential-policy-expired");

    [Fact]
    public void A_green_channel_filing_needs_a_green_channel_plan_and_a_regular_one_a_regular_plan()
    {
        Given().When(Fixtures.Submit() with { Channel = Channel.GreenChannel }).ThenFails("channel-not-in-plan");
        Given().When(Fixtures.Submit() with { Plan = Fixtures.Plan2024 with { GreenChannel = true } }).ThenFails("channel-not-in-plan");
        Given().When(Fixtures.Submit() with { Channel = Channel.GreenChannel, Plan = Fixtures.Plan2024 with { GreenChannel = true } }).ThenAccepted().Should().ContainSingle();
    }

    [Fact]
    public void A_case_is_submitted_once() =>
        Given(Fixtures.Submitted).When(Fixtures.Submit()).ThenFails("application-exists");

    [Fact]
    public void A_command_on_a_case_never_submitted_is_refused_as_not_found() =>
        Given().When(new ApplicationCommand.Withdraw("changed my mind") { Today = new(2024, 5, 21) }).ThenFails("application-not-found").Kind.Should().Be(ErrorKind.NotFound);
}
