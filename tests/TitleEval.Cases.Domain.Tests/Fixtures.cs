using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.Reference;
using static TitleEval.Cases.Domain.Applications.ApplicationEvent;

namespace TitleEval.Cases.Domain.Tests;

/// <summary>Small, hand-checked reference data and a case at each point of its life.</summary>
internal static class Fixtures
{
    public static readonly Guid ApplicationId = Guid.Parse("0b7a0f3e-1d1c-4a55-9a51-4c3f1f8f2a01");

    /// <summary>Passes GB 11643: weights over 11010519491231002 sum to 167; 167 mod 11 = 2 → check character X.</summary>
    public const string ValidResidentId = "11010519491231002X";

    /// <summary>A 2024 calendar with National Day (Oct 1–7 off, Sun Sep 29 and Sat Oct 12 worked), Mid-Autumn (Sep 15–17 off, Sat Sep 14 worked) and Dragon Boat (Jun 10 off).</summary>
    public static readonly WorkingDayCalendar Calendar2024 = new([
        new YearCalendar(
            2024,
            new HashSet<DateOnly>
            {
                new(2024, 6, 10), new(2024, 9, 15), new(2024, 9, 16), new(2024, 9, 17),
                new(2024, 10, 1), new(2024, 10, 2), new(2024, 10, 3), new(2024, 10, 4), new(2024, 10, 5), new(2024, 10, 6), new(2024, 10, 7),
            },
            new HashSet<DateOnly> { new(2024, 9, 14), new(2024, 9, 29), new(2024, 10, 12) }),
    ]);

    public static readonly Plan Plan2024 = new(
        "2024-test", 2024, "测试市", "2024 test plan", "[test]",
        [new LevelWindow(Level.DeputySenior, new(2024, 5, 6), new(2024, 5, 31)), new LevelWindow(Level.Intermediate, new(2024, 5, 6), new(2024, 6, 14))],
        new DateOnly(2023, 12, 31), new DateOnly(2024, 12, 20),
        [new Quota("SchoolTeacher", Level.FullSenior, 35)],
        GreenChannel: false);

    public static readonly Applicant Applicant = new(
        "张三", ValidResidentId, Gender.Male, "蒙古族", new DateOnly(1949, 12, 31), "13800000000", "大学本科", "内蒙古大学", new DateOnly(1972, 7, 1),
        "土木工程", "工程师", new DateOnly(2018, 12, 1), "结构设计", EmploymentStatus.Employed);

    public static readonly Employer Employer = new("91150100MA0N000000", "呼和浩特市某设计院", AffiliationLevel.City, "呼和浩特市");

    public static ApplicationCommand.Submit Submit(DateOnly? today = null, Applicant? applicant = null, Level level = Level.DeputySenior, EvaluationMode? mode = EvaluationMode.Review, ExamPass? exam = null) =>
        new(ApplicationId, "person-key", applicant ?? Applicant, "Engineering", "建筑", level, Channel.Review, "nmg-engineering-senior", Plan2024, mode,
            Employer, [3], ContinuingEducation.Completed, ["学历证书", "任职资格证书"], true, exam, null)
        { Today = today ?? new DateOnly(2024, 5, 20) };

    public static Submitted Submitted => (Submitted)ApplicationDecider.Decide(Submit(), ApplicationState.None).Events[0];

    public static PublicityOpened Opened(PublicityStage stage, DateOnly start, DateOnly end) => new(stage, start, end, 5, "单位公示栏");

    /// <summary>Submitted, employer publicity held and closed, employer, department passed: at the bureau.</summary>
    public static ApplicationEvent[] AtBureau =>
    [
        Submitted,
        Opened(PublicityStage.Employer, new(2024, 5, 21), new(2024, 5, 27)),
        new PublicityClosed(PublicityStage.Employer, new(2024, 5, 28)),
        new StageReviewPassed(ReviewStage.Employer, "李四", "同意推荐", new(2024, 5, 28)),
        new StageReviewPassed(ReviewStage.Department, "王五", "同意", new(2024, 5, 29)),
    ];

    public static ApplicationEvent[] Accepted =>
    [
        .. AtBureau,
        Opened(PublicityStage.Roster, new(2024, 6, 3), new(2024, 6, 7)),
        new PublicityClosed(PublicityStage.Roster, new(2024, 6, 8)),
        new StageReviewPassed(ReviewStage.Bureau, "赵六", "同意上报", new(2024, 6, 11)),
        new StageReviewPassed(ReviewStage.CommitteeOffice, "钱七", "符合条件", new(2024, 6, 12)),
    ];

    public static ApplicationEvent[] ReviewPassed =>
    [
        .. Accepted,
        new Reviewed(new(2024, 9, 2), 15, 12, 0, 9, 2, 1, true, Passed: true),
    ];

    public static ApplicationEvent[] ResultPublicityClosed =>
    [
        .. ReviewPassed,
        Opened(PublicityStage.Result, new(2024, 9, 3), new(2024, 9, 9)),
        new PublicityClosed(PublicityStage.Result, new(2024, 9, 10)),
    ];

    public static ApplicationEvent[] Approved =>
    [
        .. ResultPublicityClosed,
        new Approved("呼和浩特市人力资源和社会保障局", new(2024, 9, 20), Late: false),
    ];

    public static T With<T>(this T command, DateOnly today)
        where T : ApplicationCommand => command with { Today = today };
}
