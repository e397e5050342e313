using FluentAssertions;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.Reference;
using static TitleEval.Cases.Domain.Applications.ApplicationCommand;
using static TitleEval.Cases.Domain.Applications.ApplicationEvent;
using static TitleEval.Cases.Domain.Tests.Applications.ApplicationSpec;

namespace TitleEval.Cases.Domain.Tests.Applications;

/// <summary>Rule 6: at least 5 working days by the Chinese calendar, counted as the notices count them.</summary>
public sealed class PublicityTests
{
    private static OpenPublicity Open(DateOnly start, int days = 5, WorkingDayCalendar? calendar = null) =>
        new(PublicityStage.Roster, start, days, "人社局网站", calendar ?? Fixtures.Calendar2024) { Today = start };

    private static DateOnly EndOf(DateOnly start) =>
        Given(Fixtures.AtBureau).When(Open(start)).ThenAccepted().Should().ContainSingle().Which.Should().BeOfType<PublicityOpened>().Which.End;

    [Fact]
    public void Five_working_days_from_a_monday_end_on_friday_as_the_notices_state() =>
        // "公示期为5个工作日（6月3日至6月7日）"
        EndOf(new DateOnly(2024, 6, 3)).Should().Be(new DateOnly(2024, 6, 7));

    [Fact]
    public void A_holiday_week_does_not_count() =>
        // Mon 9-30 (1); Oct 1–7 National Day; Tue 10-8 (2), 10-9 (3), 10-10 (4), Fri 10-11 (5).
        EndOf(new DateOnly(2024, 9, 30)).Should().Be(new DateOnly(2024, 10, 11));

    [Fact]
    public void A_make_up_saturday_counts() =>
        // Thu 10-10 (1), Fri 10-11 (2), Sat 10-12 make-up working day (3), Mon 10-14 (4), Tue 10-15 (5).
        EndOf(new DateOnly(2024, 10, 10)).Should().Be(new DateOnly(2024, 10, 15));

    [Fact]
    public void A_make_up_sunday_before_a_holiday_week_counts_and_the_holiday_does_not() =>
        // Fri 9-27 (1), Sun 9-29 make-up (2), Mon 9-30 (3), Oct 1–7 off, Tue 10-8 (4), Wed 10-9 (5).
        EndOf(new DateOnly(2024, 9, 27)).Should().Be(new DateOnly(2024, 10, 9));

    [Fact]
    public void A_holiday_on_a_weekday_does_not_count() =>
        // Fri 6-7 (1); Mon 6-10 Dragon Boat Festival; 6-11 (2) … Fri 6-14 (5).
        EndOf(new DateOnly(2024, 6, 7)).Should().Be(new DateOnly(2024, 6, 14));

    [Fact]
    public void A_start_on_a_weekend_counts_from_the_next_working_day() =>
        EndOf(new DateOnly(2024, 6, 1)).Should().Be(new DateOnly(2024, 6, 7));

    [Fact]
    public void Fewer_than_five_working_days_are_refused() =>
        Given(Fixtures.AtBureau).When(Open(new DateOnly(2024, 6, 3), days: 4)).ThenFails("publicity-too-short");

    [Fact]
    public void A_period_reaching_a_year_with_no_calendar_is_an_error_not_a_guess() =>
        Given(Fixtures.AtBureau).When(Open(new DateOnly(2024, 12, 30))).ThenFails("calendar-missing").DetailEn.Should().Contain("2025");

    [Fact]
    public void A_publicity_closes_from_the_day_after_its_last_working_day()
    {
        ApplicationEvent[] open = [.. Fixtures.AtBureau, Fixtures.Opened(PublicityStage.Roster, new(2024, 6, 3), new(2024, 6, 7))];

        Given(open).When(new ClosePublicity(PublicityStage.Roster) { Today = new(2024, 6, 7) }).ThenFails("publicity-still-running");
        Given(open).When(new ClosePublicity(PublicityStage.Roster) { Today = new(2024, 6, 8) }).Then(new PublicityClosed(PublicityStage.Roster, new(2024, 6, 8)));
    }

    [Fact]
    public void Objections_are_lodged_during_an_open_publicity_only()
    {
        var objection = Guid.NewGuid();
        Given(Fixtures.AtBureau).When(new LodgeObjection(objection, ObjectionTopic.ReviewWork, "评审不公") { Today = new(2024, 6, 4) }).ThenFails("no-open-publicity");
        Given([.. Fixtures.AtBureau, Fixtures.Opened(PublicityStage.Roster, new(2024, 6, 3), new(2024, 6, 7))])
            .When(new LodgeObjection(objection, ObjectionTopic.ReviewWork, "评审不公") { Today = new(2024, 6, 4) })
            .Then(new ObjectionLodged(objection, PublicityStage.Roster, ObjectionTopic.ReviewWork, "评审不公", new(2024, 6, 4)));
    }

    [Fact]
    public void Only_an_open_objection_is_resolved() =>
        Given(Fixtures.AtBureau).When(new ResolveObjection(Guid.NewGuid(), ObjectionOutcome.Dismissed, "查无实据") { Today = new(2024, 6, 4) }).ThenFails("unknown-objection");
}
