using FluentAssertions;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Domain.Tests.Reference;

/// <summary>Publicity periods counted on the shipped calendar (rule 6).</summary>
public sealed class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Calendar = ShippedReferenceData.Calendar;

    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    private static DateOnly End(DateOnly start, int workingDays)
    {
        Calendar.TryEndOfPeriod(start, workingDays, out var end, out var missingYear).Should().BeTrue($"year {missingYear} should be loaded");
        return end;
    }

    [Fact]
    public void The_notice_example_runs_Monday_to_Friday()
    {
        // "公示期为5个工作日（6月3日至6月7日）": Mon 2024-06-03 counts as day 1, Fri 2024-06-07 is day 5.
        End(D(2024, 6, 3), 5).Should().Be(D(2024, 6, 7));
    }

    [Fact]
    public void A_publicity_across_National_Day_skips_the_holiday_week()
    {
        // Mon 9-30 is day 1; Oct 1-7 are holidays; Tue 10-8, Wed 10-9, Thu 10-10, Fri 10-11 are days 2-5.
        End(D(2024, 9, 30), 5).Should().Be(D(2024, 10, 11));

        // Sun 9-29 is a make-up working day (调休上班), so it is day 1 and Mon 9-30 day 2; days 3-5 are Oct 8-10.
        End(D(2024, 9, 29), 5).Should().Be(D(2024, 10, 10));
    }

    [Fact]
    public void A_make_up_Saturday_counts()
    {
        // Tue 10-8 .. Fri 10-11 are days 1-4; Sat 2024-10-12 is a make-up working day for National Day: day 5.
        End(D(2024, 10, 8), 5).Should().Be(D(2024, 10, 12));
    }

    [Fact]
    public void A_make_up_Sunday_counts()
    {
        Calendar.TryIsWorkingDay(D(2024, 2, 4), out var isWorkingDay).Should().BeTrue();
        isWorkingDay.Should().BeTrue("Sun 2024-02-04 is a Spring Festival make-up working day");

        // Sat 2-3 is a plain weekend day, so a 1-day period starting then ends on the make-up Sunday 2-4.
        End(D(2024, 2, 3), 1).Should().Be(D(2024, 2, 4));

        // Tue 2-6 .. Fri 2-9 are days 1-4, Feb 10-17 is the Spring Festival holiday, Sun 2-18 (make-up) is day 5.
        End(D(2024, 2, 6), 5).Should().Be(D(2024, 2, 18));
    }

    [Fact]
    public void A_holiday_on_a_weekday_does_not_count()
    {
        Calendar.TryIsWorkingDay(D(2024, 6, 10), out var isWorkingDay).Should().BeTrue();
        isWorkingDay.Should().BeFalse("Mon 2024-06-10 is the Dragon Boat Festival");

        // Fri 6-7 is day 1; the weekend and the Monday holiday are skipped; Tue 6-11 is day 2.
        End(D(2024, 6, 7), 2).Should().Be(D(2024, 6, 11));
    }

    [Fact]
    public void A_plain_weekend_day_does_not_count_and_a_plain_weekday_does()
    {
        Calendar.TryIsWorkingDay(D(2024, 6, 8), out var saturday).Should().BeTrue();
        saturday.Should().BeFalse();
        Calendar.TryIsWorkingDay(D(2024, 6, 12), out var wednesday).Should().BeTrue();
        wednesday.Should().BeTrue();
    }

    [Fact]
    public void A_period_crossing_New_Year_counts_in_both_years()
    {
        // Mon 12-30 and Tue 12-31 are days 1-2; Wed 2025-01-01 is New Year's Day; Thu 1-2, Fri 1-3 are days 3-4;
        // the weekend is skipped; Mon 2025-01-06 is day 5.
        End(D(2024, 12, 30), 5).Should().Be(D(2025, 1, 6));
    }

    [Fact]
    public void A_date_in_a_year_without_a_calendar_is_not_guessed()
    {
        Calendar.TryIsWorkingDay(D(2021, 6, 1), out _).Should().BeFalse();

        Calendar.TryEndOfPeriod(D(2021, 6, 1), 5, out _, out var missingYear).Should().BeFalse();
        missingYear.Should().Be(2021);
    }

    [Fact]
    public void A_period_running_into_a_year_without_a_calendar_is_not_guessed()
    {
        // Mon 2026-12-28 .. Thu 12-31 are four working days; the fifth would be in 2027, which is not loaded.
        Calendar.TryEndOfPeriod(D(2026, 12, 28), 5, out _, out var missingYear).Should().BeFalse();
        missingYear.Should().Be(2027);

        // The same period of four days stays inside 2026.
        End(D(2026, 12, 28), 4).Should().Be(D(2026, 12, 31));
    }

    [Fact]
    public void Only_the_given_years_are_covered()
    {
        var only2024 = new WorkingDayCalendar([new YearCalendar(2024, new HashSet<DateOnly>(), new HashSet<DateOnly>())]);

        only2024.Covers(2024).Should().BeTrue();
        only2024.Covers(2025).Should().BeFalse();
        only2024.Years.Should().Equal(2024);
        only2024.TryEndOfPeriod(D(2024, 12, 30), 5, out _, out var missingYear).Should().BeFalse();
        missingYear.Should().Be(2025);
    }

    [Fact]
    public void A_period_needs_at_least_one_working_day()
    {
        var act = () => Calendar.TryEndOfPeriod(D(2024, 6, 3), 0, out _, out _);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Every_period_in_2024_ends_on_a_working_day_after_exactly_that_many_working_days()
    {
        for (var start = D(2024, 1, 1); start <= D(2024, 11, 30); start = start.AddDays(1))
        {
            for (var n = 1; n <= 10; n++)
            {
                var end = End(start, n);
                Calendar.TryIsWorkingDay(end, out var endIsWorking).Should().BeTrue();
                endIsWorking.Should().BeTrue($"{start} + {n} ends on {end}");

                var counted = 0;
                for (var day = start; day <= end; day = day.AddDays(1))
                {
                    Calendar.TryIsWorkingDay(day, out var working);
                    counted += working ? 1 : 0;
                }

                counted.Should().Be(n, $"{start} + {n} ends on {end}");
            }
        }
    }
}
