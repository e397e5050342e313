using System.Globalization;
using MediatR;
using TitleEval.Cases.Api.Applications.Approve;
using TitleEval.Cases.Api.Applications.ClosePublicity;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Applications.DeadlineJob;
using TitleEval.Cases.Api.Applications.Disqualify;
using TitleEval.Cases.Api.Applications.IssueCertificate;
using TitleEval.Cases.Api.Applications.LodgeObjection;
using TitleEval.Cases.Api.Applications.OpenPublicity;
using TitleEval.Cases.Api.Applications.PassStage;
using TitleEval.Cases.Api.Applications.RecordVote;
using TitleEval.Cases.Api.Applications.RejectIneligible;
using TitleEval.Cases.Api.Applications.ResolveObjection;
using TitleEval.Cases.Api.Applications.Resubmit;
using TitleEval.Cases.Api.Applications.ReturnForCorrection;
using TitleEval.Cases.Api.Applications.Revoke;
using TitleEval.Cases.Api.Applications.Submit;
using TitleEval.Cases.Api.Applications.Withdraw;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Api.Seeding;

/// <summary>A clock the seeder moves from step to step, so a case's publicities, vote and approval fall on plausible days.</summary>
public sealed class SeedClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    public void SetToday(DateOnly date) => Now = new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8));

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>What the seeder did, by outcome, and what the rules refused on the way (a quota, say).</summary>
public sealed record SeedReport(int Applications, IReadOnlyDictionary<string, int> Outcomes, IReadOnlyDictionary<string, int> Refusals, TimeSpan Elapsed);

/// <summary>
/// Generates a realistic dataset through the real command path — the same MediatR handlers the endpoints call, every
/// rule applied — for demos and benchmarks: applications across the Hohhot 2026 plan's levels, several series and
/// employers, with returns, resubmissions, deemed withdrawals, withdrawals, rejections, failed votes, objections
/// (dismissed and upheld, with and without fraud), approvals, certificates and revocations. Deterministic for a seed.
/// </summary>
public sealed class DatasetSeeder(IMediator mediator, ReferenceData reference, CorrectionDeadlineJob deadlines, Action<DateOnly> setToday)
{
    private const string PlanId = "2026-hohhot";
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "包", "乌", "白", "其", "巴"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "巴特尔", "其其格", "乌日娜", "斯琴", "那仁", "图雅"];
    private static readonly string[] Series = ["Engineering", "Health", "SchoolTeacher", "AgricultureAndHusbandry"];
    private static readonly Level[] Levels = [Level.DeputySenior, Level.DeputySenior, Level.Intermediate, Level.Intermediate, Level.Intermediate, Level.Assistant, Level.FullSenior];
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    private readonly Dictionary<string, int> outcomes = [];
    private readonly Dictionary<string, int> refusals = [];

    public async Task<SeedReport> SeedAsync(int applications, int seed, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var plan = reference.FindPlan(PlanId) ?? throw new InvalidOperationException($"Plan {PlanId} is not in the reference data.");
        var random = new Random(seed);
        for (var i = 0; i < applications; i++)
        {
            await OneCaseAsync(i, plan, random, cancellationToken);
        }

        // Returned cases left past their deadline: the real deadline job marks them.
        setToday(new DateOnly(plan.Year, 8, 1));
        var deemed = await deadlines.SweepAsync(cancellationToken);
        Count(outcomes, "DeemedWithdrawn", deemed);
        return new SeedReport(applications, outcomes, refusals, started.Elapsed);
    }

    private async Task OneCaseAsync(int index, Plan plan, Random random, CancellationToken ct)
    {
        var level = Levels[random.Next(Levels.Length)];
        var series = Series[random.Next(Series.Length)];
        var window = plan.WindowFor(level)!;
        var day = window.Opens.AddDays(1 + random.Next(Math.Max(1, window.Closes.DayNumber - window.Opens.DayNumber - 6)));
        var id = Guid.NewGuid();
        // One independent draw per decision: 4% withdraw, 12% returned (a third of them never correct), 3% rejected,
        // 12% fail the vote, 6% meet an objection (half upheld, half of those fraud), 1.5% of titles later revoked.
        bool Chance(double p) => random.NextDouble() < p;

        setToday(day);
        if (!await SendAsync("submit", new SubmitApplication.Command(id, Submission(index, random, series, level), Headers("applicant", "individual", "申报")), ct))
        {
            return;
        }

        if (Chance(0.04))
        {
            setToday(day.AddDays(2));
            await EndAsync("Withdrawn", new WithdrawApplication.Command(id, new("个人原因，自愿撤回"), Headers("applicant", "individual", "撤回")), ct);
            return;
        }

        if (Chance(0.12))
        {
            // A return with a one-time notice of every item [001 五(二)]; most applicants correct in time.
            day = day.AddDays(1);
            setToday(day);
            var deadline = Min(day.AddDays(5), window.Closes);
            await SendAsync("return", new ReturnForCorrection.Command(id, new(ReviewStage.Employer, ["继续教育证明缺少学时", "论文首页扫描不清晰"], deadline), Headers("employer", EmployerCode(index), "一次性告知")), ct);
            if (Chance(1.0 / 3))
            {
                // Never corrected: the deadline job deems it withdrawn at the end (counted there).
                return;
            }

            day = day.AddDays(2);
            setToday(day);
            await SendAsync("resubmit", new Resubmit.Command(id, new("已补充继续教育证明并重新扫描论文"), Headers("applicant", "individual", "补正")), ct);
        }

        var end = await PublicityAsync(id, PublicityStage.Employer, day.AddDays(1), EmployerCode(index), ct);
        await PassAsync(id, ReviewStage.Employer, EmployerCode(index), ct);
        await PassAsync(id, ReviewStage.Department, "11150100MB0001001X", ct);
        if (Chance(0.03))
        {
            await EndAsync("RejectedIneligible", new RejectIneligible.Command(id, new(ReviewStage.Bureau, "不符合申报条件：现有资格取得年限不足"), Headers("bureau", "11150100MB0002002X", "不予受理")), ct);
            return;
        }

        await PublicityAsync(id, PublicityStage.Roster, end.AddDays(1), "11150100MB0002002X", ct);
        await PassAsync(id, ReviewStage.Bureau, "11150100MB0002002X", ct);
        await PassAsync(id, ReviewStage.CommitteeOffice, "12150100MB0003003X", ct);

        var meeting = new DateOnly(plan.Year, 8, 17).AddDays(random.Next(10));
        setToday(meeting);
        var passes = !Chance(0.12);
        var yes = passes ? 10 + random.Next(3) : 5 + random.Next(3);
        if (!await SendAsync("vote", new RecordCommitteeVote.Command(id, new(meeting, 15, 12, 0, yes, 12 - yes, 0, true), Headers("committee-office", "12150100MB0003003X", "评审表决")), ct) || !passes)
        {
            Count(outcomes, "NotPassed", passes ? 0 : 1);
            return;
        }

        var start = meeting.AddDays(1);
        setToday(start);
        await SendAsync("publicity", new OpenPublicity.Command(id, new(PublicityStage.Result, start, 5, "评委会网站"), Headers("committee-office", "12150100MB0003003X", "评审结果公示")), ct);
        if (Chance(0.06))
        {
            var objection = Guid.NewGuid();
            setToday(start.AddDays(1));
            await SendAsync("objection", new LodgeObjection.Command(id, new(objection, ObjectionTopic.MaterialAuthenticity, "反映申报业绩材料不实"), Headers("committee-office", "12150100MB0003003X", "投诉")), ct);
            var upheld = Chance(0.5);
            await SendAsync("resolution", new ResolveObjection.Command(id, objection, new(upheld ? ObjectionOutcome.Upheld : ObjectionOutcome.Dismissed, upheld ? "经核查属实" : "经核查不属实"), Headers("committee-office", "12150100MB0003003X", "调查结论")), ct);
            if (upheld)
            {
                await EndAsync("Disqualified", new DisqualifyApplication.Command(id, new("业绩材料不实", Chance(0.5)), Headers("committee-office", "12150100MB0003003X", "取消资格")), ct);
                return;
            }
        }

        var closed = reference.Calendar.TryEndOfPeriod(start, 5, out var resultEnd, out _) ? resultEnd.AddDays(1) : start.AddDays(9);
        setToday(closed);
        await SendAsync("close", new ClosePublicity.Command(id, PublicityStage.Result, new(null), Headers("committee-office", "12150100MB0003003X", "公示结束")), ct);
        if (!await SendAsync("approve", new ApproveApplication.Command(id, new("呼和浩特市人力资源和社会保障局"), Headers("bureau", "11150100MB0002002X", "核准备案")), ct))
        {
            return;
        }

        setToday(closed.AddDays(3));
        await SendAsync("certificate", new IssueCertificate.Command(id, new(null), Headers("bureau", "11150100MB0002002X", "发证")), ct);
        if (Chance(0.015))
        {
            setToday(new DateOnly(plan.Year, 11, 2));
            await EndAsync("RevokedForFraud", new RevokeTitle.Command(id, new(RevocationGrounds.FalseMaterials, $"呼人社决〔{plan.Year}〕{index}号", "呼和浩特市人力资源和社会保障局"), Headers("bureau", "11150100MB0002002X", "撤销职称")), ct);
            return;
        }

        Count(outcomes, "CertificateIssued", 1);
    }

    private async Task<DateOnly> PublicityAsync(Guid id, PublicityStage stage, DateOnly start, string organisation, CancellationToken ct)
    {
        setToday(start);
        var role = stage == PublicityStage.Employer ? "employer" : "bureau";
        await SendAsync("publicity", new OpenPublicity.Command(id, new(stage, start, 5, stage == PublicityStage.Employer ? "单位公示栏" : "人社局网站"), Headers(role, organisation, "公示")), ct);
        var end = reference.Calendar.TryEndOfPeriod(start, 5, out var e, out _) ? e : start.AddDays(7);
        setToday(end.AddDays(1));
        await SendAsync("close", new ClosePublicity.Command(id, stage, new(null), Headers(role, organisation, "公示结束")), ct);
        return end.AddDays(1);
    }

    private Task<bool> PassAsync(Guid id, ReviewStage stage, string organisation, CancellationToken ct) =>
        SendAsync("pass", new PassReviewStage.Command(id, new(stage, "审核人", "同意"), Headers(stage switch
        {
            ReviewStage.Employer => "employer",
            ReviewStage.Department => "department",
            ReviewStage.Bureau => "bureau",
            _ => "committee-office",
        }, organisation, "同意")), ct);

    private async Task EndAsync(string outcome, IRequest<CommandOutcome> command, CancellationToken ct)
    {
        if (await SendAsync(outcome, command, ct))
        {
            Count(outcomes, outcome, 1);
        }
    }

    /// <summary>Sends one command; a refusal is counted (the rules apply to seeded data too: a quota runs out, say).</summary>
    private async Task<bool> SendAsync(string step, IRequest<CommandOutcome> command, CancellationToken ct)
    {
        var outcome = await mediator.Send(command, ct);
        if (outcome is CommandOutcome.Refused refused)
        {
            Count(refusals, $"{step}: {refused.Error.Code}", 1);
            return false;
        }

        return outcome is CommandOutcome.Done or CommandOutcome.Replayed;
    }

    private static CommandHeaders Headers(string role, string organisation, string reason) =>
        new(new Actor($"seed-{role}", role, organisation, "seeder"), reason, null, null, Guid.NewGuid().ToString("N"), "seed");

    private static SubmitApplication.Body Submission(int index, Random random, string series, Level level) => new(
        null,
        PlanId,
        new SubmitApplication.ApplicantBody(
            Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)],
            ResidentIdFor(index, random),
            random.Next(2) == 0 ? Gender.Male : Gender.Female,
            random.Next(5) == 0 ? "蒙古族" : "汉族",
            new DateOnly(1965 + random.Next(30), 1 + random.Next(12), 1 + random.Next(28)),
            $"13{random.Next(100000000, 999999999)}",
            random.Next(4) == 0 ? "硕士研究生" : "大学本科",
            random.Next(2) == 0 ? "内蒙古大学" : "内蒙古工业大学",
            new DateOnly(1990 + random.Next(25), 7, 1),
            series switch { "Health" => "临床医学", "SchoolTeacher" => "汉语言文学", "AgricultureAndHusbandry" => "畜牧学", _ => "土木工程" },
            level == Level.Assistant ? null : "现有职称",
            level == Level.Assistant ? null : new DateOnly(2015 + random.Next(6), 12, 1),
            "本专业",
            EmploymentStatus.Employed),
        series,
        series switch { "Health" => "内科", "SchoolTeacher" => "语文", "AgricultureAndHusbandry" => "畜牧", _ => "建筑工程" },
        level,
        Channel.Review,
        $"hohhot-{series.ToLowerInvariant()}-{(level is Level.FullSenior or Level.DeputySenior ? "senior" : "general")}",
        new SubmitApplication.EmployerBody(EmployerCode(index), $"呼和浩特市第{index % 40 + 1}单位", (AffiliationLevel)(index % 4), "呼和浩特市", DepartmentCode(index)),
        random.Next(6) == 0 ? [1 + random.Next(7)] : [],
        random.Next(10) == 0 ? ContinuingEducation.Exempt : ContinuingEducation.Completed,
        ["学历证书", "现有职称证书", "继续教育证明", "业绩材料"],
        true,
        null);

    private static string EmployerCode(int index) => $"9115010{index % 40:D2}MA0N{index % 40:D5}";

    /// <summary>Eight competent departments, five units each.</summary>
    private static string DepartmentCode(int index) => $"1115010{index % 40 / 5:D2}MB{index % 40 / 5:D7}";

    /// <summary>A distinct valid GB 11643 ID per case: Hohhot area codes, a birth date, a sequence, the check digit.</summary>
    private static string ResidentIdFor(int index, Random random)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"1501{(index / 1000) % 100:D2}{1965 + random.Next(30)}{1 + random.Next(12):D2}{1 + random.Next(28):D2}{index % 1000:D3}");
        var sum = body.Select((c, i) => (c - '0') * Weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static void Count(Dictionary<string, int> counts, string key, int n)
    {
        if (n > 0)
        {
            counts[key] = counts.GetValueOrDefault(key) + n;
        }
    }
}
