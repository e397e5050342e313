using FluentAssertions;

namespace TitleEval.Cases.Domain.Tests.Reference;

/// <summary>
/// Spot checks of the shipped calendar (from chinese-days 1.5.7) against the State Council's yearly notices
/// (国务院办公厅关于部分节假日安排的通知), as remembered from them.
/// </summary>
public sealed class CalendarDataTests
{
    public static TheoryData<string, bool> KnownDays => new()
    {
        // 2024: Spring Festival Feb 10-17 off, Sun Feb 4 and Sun Feb 18 worked.
        { "2024-02-04", true }, { "2024-02-09", true }, { "2024-02-10", false }, { "2024-02-14", false }, { "2024-02-17", false }, { "2024-02-18", true },
        // 2024: Labour Day May 1-5 off, Sun Apr 28 and Sat May 11 worked.
        { "2024-04-28", true }, { "2024-05-01", false }, { "2024-05-03", false }, { "2024-05-05", false }, { "2024-05-06", true }, { "2024-05-11", true },
        // 2024: National Day Oct 1-7 off, Sun Sep 29 and Sat Oct 12 worked.
        { "2024-09-29", true }, { "2024-10-01", false }, { "2024-10-07", false }, { "2024-10-12", true },
        // 2025: Spring Festival Jan 28-Feb 4 off, Sun Jan 26 and Sat Feb 8 worked.
        { "2025-01-26", true }, { "2025-01-28", false }, { "2025-02-04", false }, { "2025-02-08", true },
        // 2026: New Year Jan 1-3 off, Sun Jan 4 worked.
        { "2026-01-02", false }, { "2026-01-04", true },
        // 2022: National Day Oct 1-7 off, Sat Oct 8 and Sun Oct 9 worked.
        { "2022-10-07", false }, { "2022-10-08", true }, { "2022-10-09", true },
    };

    [Theory]
    [MemberData(nameof(KnownDays))]
    public void The_shipped_calendar_matches_the_State_Council_notices(string date, bool isWorkingDay)
    {
        ShippedReferenceData.Calendar.TryIsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), out var working)
            .Should().BeTrue();
        working.Should().Be(isWorkingDay);
    }

    [Fact]
    public void Five_years_are_shipped()
    {
        ShippedReferenceData.Calendar.Years.Should().Equal(2022, 2023, 2024, 2025, 2026);
    }
}
