namespace TitleEval.Cases.Domain.Reference;

/// <summary>
/// One year's arrangement of statutory holidays (放假) and make-up working days (调休上班), as the State Council
/// publishes it late in the previous year. Weekdays not listed are working days; weekend days not listed are not.
/// </summary>
public sealed record YearCalendar(int Year, IReadOnlySet<DateOnly> Holidays, IReadOnlySet<DateOnly> MakeUpWorkdays);
