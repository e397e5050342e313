using FluentAssertions;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.People;
using static TitleEval.Cases.Domain.People.PersonEvent;

namespace TitleEval.Cases.Domain.Tests.People;

public sealed class PersonTests
{
    private static readonly DateOnly Today = new(2024, 5, 20);
    private static readonly Guid First = Guid.NewGuid();
    private static readonly DateOnly WindowCloses = new(2024, 5, 31);

    private static PersonCommand.FileApplication File(Level level = Level.DeputySenior, string committee = "c1", Channel channel = Channel.Review, int year = 2024, params int[] policies) =>
        new(Guid.NewGuid(), year, level, "Engineering", committee, channel, policies, WindowCloses) { Today = Today };

    private static ApplicationFiled Filed(Level level = Level.DeputySenior, string committee = "c1", Channel channel = Channel.Review, int year = 2024, params int[] policies) =>
        new(First, year, level, "Engineering", committee, channel, policies, WindowCloses, new(year, 5, 10));

    private static Decision<PersonEvent> Decide(PersonCommand command, params PersonEvent[] given) => PersonDecider.Decide(command, PersonDecider.Fold(given));

    [Fact]
    public void A_first_application_is_filed() =>
        Decide(File()).Events.Should().ContainSingle().Which.Should().BeOfType<ApplicationFiled>();

    [Fact]
    public void A_second_application_for_the_same_level_in_the_same_year_is_refused() =>
        Decide(File(), Filed()).Error!.Code.Should().Be("duplicate-application");

    [Fact]
    public void Another_level_or_another_year_is_a_separate_slot()
    {
        Decide(File(level: Level.Intermediate), Filed()).IsRefused.Should().BeFalse();
        Decide(File(year: 2025), Filed()).IsRefused.Should().BeFalse();
    }

    [Theory]
    [InlineData(FilingOutcome.Withdrawn, null)]
    [InlineData(FilingOutcome.RejectedIneligible, null)]
    [InlineData(FilingOutcome.DeemedWithdrawn, null)]
    [InlineData(FilingOutcome.NotPassed, "duplicate-application")]
    [InlineData(FilingOutcome.Approved, "duplicate-application")]
    public void Only_a_withdrawn_rejected_or_deemed_withdrawn_application_frees_its_slot(FilingOutcome outcome, string? refusal) =>
        Decide(File(), Filed(), new ApplicationOutcomeRecorded(First, outcome, Today)).Error?.Code.Should().Be(refusal);

    [Fact]
    public void A_slot_freed_after_the_window_closed_stays_taken() =>
        // e.g. a second plan that year (a green-channel round) cannot take a filing withdrawn after the first plan closed.
        Decide(File(), Filed(), new ApplicationOutcomeRecorded(First, FilingOutcome.Withdrawn, WindowCloses.AddDays(1))).Error!.Code.Should().Be("duplicate-application");

    [Fact]
    public void After_freeing_a_slot_the_person_stays_with_that_years_committee() =>
        Decide(File(committee: "c2"), Filed(), new ApplicationOutcomeRecorded(First, FilingOutcome.Withdrawn, Today)).Error!.Code.Should().Be("committee-mismatch-person");

    [Fact]
    public void An_active_revocation_record_blocks_filing_and_says_until_when()
    {
        var record = new IntegrityRecordNoted(Guid.NewGuid(), Sanction.TitleRevoked, new(2022, 3, 1), new(2025, 3, 1));

        var error = Decide(File(), record).Error!;
        error.Code.Should().Be("integrity-record-blocks-filing");
        error.DetailEn.Should().Contain("2025-03-01");
        Decide(File() with { Today = new(2025, 3, 1) }, record).IsRefused.Should().BeFalse("the record expired on its third anniversary");
    }

    [Fact]
    public void A_lesser_active_record_lets_the_filing_through_but_flags_it()
    {
        var record = new IntegrityRecordNoted(Guid.NewGuid(), Sanction.Criticism, new(2023, 1, 5), new(2026, 1, 5));

        Decide(File(), record).IsRefused.Should().BeFalse();
        PersonDecider.FlagOn(PersonDecider.Fold([record]), Today).Should().Be(new IntegrityFlag(record.RecordId, "Criticism", new(2026, 1, 5)));
        PersonDecider.FlagOn(PersonDecider.Fold([record]), new(2026, 1, 5)).Should().BeNull();
    }

    [Fact]
    public void The_green_channel_benefits_a_person_once() =>
        Decide(File(level: Level.FullSenior, channel: Channel.GreenChannel, year: 2025), Filed(channel: Channel.GreenChannel, year: 2023), new ApplicationOutcomeRecorded(First, FilingOutcome.Approved, Today))
            .Error!.Code.Should().Be("green-channel-used");

    [Fact]
    public void After_failing_the_green_channel_not_again_that_year_but_the_next()
    {
        PersonEvent[] failed = [Filed(level: Level.FullSenior, channel: Channel.GreenChannel), new ApplicationOutcomeRecorded(First, FilingOutcome.NotPassed, Today)];

        Decide(File(level: Level.DeputySenior, channel: Channel.GreenChannel), failed).Error!.Code.Should().Be("green-channel-failed-this-year");
        Decide(File(level: Level.FullSenior, channel: Channel.GreenChannel, year: 2025), failed).IsRefused.Should().BeFalse();
    }

    [Fact]
    public void A_once_only_preferential_policy_is_used_up_by_an_approval() =>
        Decide(File(level: Level.FullSenior, year: 2025, policies: 8), Filed(policies: 8), new ApplicationOutcomeRecorded(First, FilingOutcome.Approved, Today))
            .Error!.Code.Should().Be("preferential-policy-used");

    [Fact]
    public void Recording_an_outcome_twice_writes_nothing_the_second_time() =>
        Decide(new PersonCommand.RecordOutcome(First, FilingOutcome.Withdrawn) { Today = Today }, Filed(), new ApplicationOutcomeRecorded(First, FilingOutcome.Withdrawn, Today)).Events.Should().BeEmpty();

    [Fact]
    public void An_employer_sends_one_series_and_level_to_one_committee_a_year()
    {
        var state = EmployerDecider.Evolve(EmployerDecider.State.Initial, new EmployerDecider.CommitteeChosen(2024, "Engineering", Level.DeputySenior, "c1", First));

        EmployerDecider.Decide(state, 2024, "Engineering", Level.DeputySenior, "c2", Guid.NewGuid()).Error!.Code.Should().Be("committee-mismatch-employer");
        EmployerDecider.Decide(state, 2024, "Engineering", Level.DeputySenior, "c1", Guid.NewGuid()).Events.Should().BeEmpty();
        EmployerDecider.Decide(state, 2025, "Engineering", Level.DeputySenior, "c2", Guid.NewGuid()).Events.Should().ContainSingle();
    }

    [Fact]
    public void An_integrity_record_expires_three_years_after_it_was_recorded_leap_day_included()
    {
        IntegrityEvent.ExpiryFor(new DateOnly(2024, 5, 20)).Should().Be(new DateOnly(2027, 5, 20));
        IntegrityEvent.ExpiryFor(new DateOnly(2024, 2, 29)).Should().Be(new DateOnly(2027, 2, 28));
    }
}
