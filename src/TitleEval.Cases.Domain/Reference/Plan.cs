namespace TitleEval.Cases.Domain.Reference;

/// <summary>The application window of one level in a plan, both ends inclusive [002 三(二)].</summary>
public sealed record LevelWindow(Level Level, DateOnly Opens, DateOnly Closes)
{
    public bool Contains(DateOnly date) => date >= Opens && date <= Closes;
}

/// <summary>A cap on approvals for one series and level in a plan, e.g. 35 full-senior school teachers [002 五(九)].</summary>
public sealed record Quota(string Series, Level Level, int Places);

/// <summary>
/// One year's evaluation plan of one region or channel, as a notice sets it: per-level windows, the date up to which
/// qualifications count (资历计算截止时间), the date by which review and publicity end (完成评审和公示), and quotas.
/// A plan is data, not code (rule 4). <c>Source</c> cites the notice, e.g. "[002] 呼和浩特市人社局 2026". A date the
/// notice does not give is null; where a notice says the cut-off is "each level's application deadline" it is null too,
/// and the level's <see cref="LevelWindow.Closes"/> is the cut-off.
/// </summary>
public sealed record Plan(
    string Id,
    int Year,
    string Region,
    string Name,
    string Source,
    IReadOnlyList<LevelWindow> Windows,
    DateOnly? QualificationCutOff,
    DateOnly? ReviewDeadline,
    IReadOnlyList<Quota> Quotas,
    bool GreenChannel)
{
    /// <summary>The window for <paramref name="level"/>; null when the plan takes no applications at that level.</summary>
    public LevelWindow? WindowFor(Level level) => Windows.FirstOrDefault(w => w.Level == level);

    /// <summary>The number of places for the series and level; null when the plan sets no quota for them.</summary>
    public int? QuotaFor(string series, Level level) =>
        Quotas.FirstOrDefault(q => q.Level == level && string.Equals(q.Series, series, StringComparison.OrdinalIgnoreCase))?.Places;
}
