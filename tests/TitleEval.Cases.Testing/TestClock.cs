namespace TitleEval.Cases.Testing;

/// <summary>A clock the test moves: the service reads time only through <see cref="TimeProvider"/> [architecture.md §3].</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public DateTimeOffset Now { get; set; } = now;

    /// <summary>Noon in China Standard Time on <paramref name="date"/>.</summary>
    public static DateTimeOffset NoonCst(DateOnly date) => new(date.ToDateTime(new TimeOnly(12, 0)), ChinaStandardTime);

    public void SetToday(DateOnly date) => Now = NoonCst(date);

    public override DateTimeOffset GetUtcNow() => Now;
}
