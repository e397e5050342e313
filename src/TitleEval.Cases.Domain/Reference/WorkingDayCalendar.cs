namespace TitleEval.Cases.Domain.Reference;

/// <summary>
/// Working days by the Chinese calendar, for the publicity periods every stage must hold (rule 6). Only years whose
/// arrangement is loaded are answered: a date in any other year is reported, never guessed, because the State
/// Council moves make-up working days from year to year.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly Dictionary<int, YearCalendar> _years;

    public WorkingDayCalendar(IEnumerable<YearCalendar> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        _years = new Dictionary<int, YearCalendar>();
        foreach (var year in years)
        {
            if (!_years.TryAdd(year.Year, year))
            {
                throw new ArgumentException($"The calendar for {year.Year} is given twice.", nameof(years));
            }
        }

        Years = _years.Keys.Order().ToArray();
    }

    /// <summary>The loaded years, ascending.</summary>
    public IReadOnlyCollection<int> Years { get; }

    public bool Covers(int year) => _years.ContainsKey(year);

    /// <summary>Whether <paramref name="date"/> is a working day; false when its year has no calendar loaded.</summary>
    public bool TryIsWorkingDay(DateOnly date, out bool isWorkingDay)
    {
        if (!_years.TryGetValue(date.Year, out var year))
        {
            isWorkingDay = false;
            return false;
        }

        isWorkingDay = IsWorkingDay(year, date);
        return true;
    }

    /// <summary>
    /// The day on which a period of <paramref name="workingDays"/> working days starting on <paramref name="start"/>
    /// ends, counted the way notices state them: "公示期为5个工作日（6月3日至6月7日）" is Monday to Friday, so the start
    /// day counts when it is a working day, and the period ends at the close of its last working day [rule 6].
    /// Returns false, with the year at fault, as soon as a day to look at lies in a year with no calendar.
    /// </summary>
    public bool TryEndOfPeriod(DateOnly start, int workingDays, out DateOnly end, out int missingYear)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workingDays, 1);

        var counted = 0;
        var day = start;
        while (true)
        {
            if (!_years.TryGetValue(day.Year, out var year))
            {
                end = default;
                missingYear = day.Year;
                return false;
            }

            if (IsWorkingDay(year, day))
            {
                counted++;
                if (counted == workingDays)
                {
                    end = day;
                    missingYear = 0;
                    return true;
                }
            }

            day = day.AddDays(1);
        }
    }

    private static bool IsWorkingDay(YearCalendar year, DateOnly date)
    {
        // A statutory holiday never counts, even on a weekday; a weekend make-up day (调休上班) always does.
        if (year.Holidays.Contains(date))
        {
            return false;
        }

        if (year.MakeUpWorkdays.Contains(date))
        {
            return true;
        }

        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }
}
