using System.Globalization;

namespace TitleEval.Cases.Domain;

/// <summary>Every refusal the deciders can give. The codes are part of the API: never rename one.</summary>
public static class DomainErrors
{
    private static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The Chinese name of a stage or status the English detail names by its code, so the Chinese text stays Chinese.</summary>
    private static string Zh(string name) => name switch
    {
        "Employer" => "单位内",
        "Roster" => "花名册",
        "Result" => "评审结果",
        "Department" => "主管部门复审",
        "Bureau" => "人社部门审核",
        "CommitteeOffice" => "评委会办事机构复核",
        "InReview" => "审核中",
        "Returned" => "退回补正",
        "Accepted" => "已受理",
        "ReviewPassed" => "评审通过",
        "Approved" => "已核准",
        "CertificateIssued" => "已发证",
        "RevokedForFraud" => "已撤销",
        "NotPassed" => "评审未通过",
        "Disqualified" => "已取消资格",
        "RejectedIneligible" => "不予受理",
        "Withdrawn" => "已撤回",
        "DeemedWithdrawn" => "视为放弃",
        "FullSenior" => "正高级",
        "DeputySenior" => "副高级",
        "Intermediate" => "中级",
        "Assistant" => "助理级",
        "Junior" => "员级",
        _ => name,
    };

    // Rule 1 [001 一(四)]
    public static DomainError OutOfScope(string status) => new(
        "out-of-scope", "Applicant is out of scope",
        $"公务员（含参照公务员法管理人员）和离退休人员不得申报职称评审（{status}）。",
        $"Civil servants (including those managed as such) and retirees may not apply ({status}).");

    // Rule 2 [000 三; 002 四]
    public static DomainError DuplicateApplication(int year, Level level, Guid existing) => new(
        "duplicate-application", "A live application for this level and year exists",
        $"同一人同一年度同一层级只能申报一次（已有申报 {existing}）；如需改报，请先撤回原申报。",
        $"A person files one live application per level per plan year ({year}, {level}); application {existing} is still live. Withdraw it first to file another.");

    public static DomainError DifferentCommitteeForPerson(Level level, string committee) => new(
        "committee-mismatch-person", "Another committee was chosen for this level this year",
        $"同一年度同一层级（{Zh(level.ToString())}）只能向一个评委会申报（已选 {committee}）。",
        $"A person applies to one committee per level per year; this year's {level} application went to {committee}.");

    // Rule 3 [000 三]
    public static DomainError DifferentCommitteeForEmployer(string series, Level level, string committee) => new(
        "committee-mismatch-employer", "The employer sends this series and level to another committee",
        $"同一单位同一年度同一系列同一层级的申报人须报送同一评委会（{committee}）。",
        $"Applications of one employer for {series} {level} in one year go to the same committee: {committee}.");

    // Rule 4 [002 三(二)]
    public static DomainError OutsideWindow(Level level, DateOnly? opens, DateOnly? closes, DateOnly on) => new(
        "outside-window", "Outside the application window",
        opens is null ? $"本年度计划未设置{Zh(level.ToString())}层级的申报时间，不能申报。" : $"{Zh(level.ToString())}层级申报时间为{D(opens.Value)}至{D(closes!.Value)}，{D(on)}不在申报期内；逾期不再补报。",
        opens is null ? $"The plan has no application window for {level}." : $"The {level} window is {D(opens.Value)} to {D(closes!.Value)}; {D(on)} is outside it, and late applications are not accepted.");

    public static DomainError UnknownPlan(string plan) => new(
        "unknown-plan", "Unknown plan",
        $"不存在年度计划 {plan}；可通过 GET /api/v1/plans 查询现有计划。", $"There is no plan '{plan}'; GET /api/v1/plans lists the plans and their ids.");

    public static DomainError UnknownSeries(string series, Level level) => new(
        "unknown-series", "Series or level not offered",
        $"系列 {series} 没有{Zh(level.ToString())}层级的评审。", $"Series '{series}' does not offer level {level}.");

    // Rule 5 [001 四(二)]
    public static DomainError ExamReplacesReview(string series, Level level) => new(
        "exam-replaces-review", "This title is obtained by exam, not by review",
        $"{series} {Zh(level.ToString())}实行以考代评，考试合格即取得相应职称，不再进行评审。",
        $"{series} {level} is exam-replaces-review: passing the national exam confers the title; it is not evaluated.");

    public static DomainError ExamPassRequired(string series, Level level) => new(
        "exam-pass-required", "A valid exam pass is required",
        $"{series} {Zh(level.ToString())}实行考评结合，须提供有效期内的考试合格证明。",
        $"{series} {level} is exam-plus-review: attach an exam pass that is still valid on the submission date.");

    // Rule 6
    public static DomainError PublicityTooShort(int workingDays) => new(
        "publicity-too-short", "Publicity shorter than 5 working days",
        $"公示期不少于5个工作日（申请为{workingDays}个）。", $"A publicity lasts at least 5 working days; {workingDays} were asked for.");

    public static DomainError CalendarMissing(int year) => new(
        "calendar-missing", "No working-day calendar for that year",
        $"未加载{year}年的节假日安排，无法计算工作日；请运维人员补充该年日历。",
        $"No working-day calendar is loaded for {year}, so working days cannot be counted. An operator must add that year's calendar.");

    public static DomainError PublicityNotClosed(string stage) => new(
        "publicity-not-closed", "The publicity has not closed",
        $"{Zh(stage)}公示尚未结束，不能进入下一环节。", $"The {stage} publicity has not closed; no stage advances past it.") { Kind = ErrorKind.WrongState };

    public static DomainError PublicityMissing(string stage) => new(
        "publicity-missing", "The required publicity was not held",
        $"须先完成{Zh(stage)}公示（不少于5个工作日）。", $"Hold the {stage} publicity (at least 5 working days) first.") { Kind = ErrorKind.WrongState };

    public static DomainError PublicityStillRunning(DateOnly ends) => new(
        "publicity-still-running", "The publicity period has not ended",
        $"公示期至{D(ends)}结束，结束后方可关闭。", $"The publicity runs until the end of {D(ends)}; close it after that day.") { Kind = ErrorKind.WrongState };

    public static DomainError ObjectionOpen() => new(
        "objection-open", "An objection is unresolved",
        "存在未处理完毕的投诉举报，处理完毕前不能进入下一环节。", "An objection is still open; resolve it before the case advances.") { Kind = ErrorKind.WrongState };

    public static DomainError NoOpenPublicity() => new(
        "no-open-publicity", "No publicity is open",
        "投诉举报须在公示期间提出。", "Objections are lodged during an open publicity.") { Kind = ErrorKind.WrongState };

    public static DomainError UnknownObjection(Guid objection) => new(
        "unknown-objection", "No such open objection",
        $"没有待处理的投诉 {objection}。", $"There is no open objection {objection} on this case.") { Kind = ErrorKind.WrongState };

    // Rule 7 [001 五(二); 002 三(四)5]
    public static DomainError ReturnWithoutItems() => new(
        "return-without-items", "A return lists every item to correct",
        "退回须一次性告知需要补充更正的全部材料，不能为空。", "A return is a one-time notice of every item to correct; list at least one.");

    public static DomainError CorrectionDeadlineInvalid(DateOnly deadline, DateOnly? windowCloses) => new(
        "correction-deadline-invalid", "Invalid correction deadline",
        windowCloses is null ? $"补正期限{D(deadline)}须晚于今天。" : $"补正期限{D(deadline)}不能晚于申报截止日{D(windowCloses.Value)}（截止后不再补报）。",
        windowCloses is null ? $"The correction deadline {D(deadline)} must be after today." : $"Before the committee office's check, a correction deadline cannot pass the window's close {D(windowCloses.Value)}: nothing is resubmitted after it.");

    public static DomainError CorrectionDeadlinePassed(DateOnly deadline) => new(
        "correction-deadline-passed", "The correction deadline has passed",
        $"补正期限{D(deadline)}已过，视为放弃申报。", $"The correction deadline {D(deadline)} has passed; the application counts as withdrawn.") { Kind = ErrorKind.WrongState };

    // Rule 8 (人社部令第40号)
    public static DomainError QuorumNotMet(int present, int members) => new(
        "quorum-not-met", "Fewer than 2/3 of the committee present",
        $"出席评审会议的专家（{present}人，回避者不计）不足评委会专家总数（{members}人）的三分之二，评审无效。",
        $"{present} of {members} members present (recused members excluded): a review meeting needs at least two thirds.");

    public static DomainError VoteCountsInvalid(string why) => new(
        "vote-counts-invalid", "The vote counts do not add up", $"表决票数有误（出席、回避、赞成、反对、弃权人数不一致）：{why}", $"The vote counts are inconsistent: {why}");

    // Rule 9 [001 二(一)]
    public static DomainError CrossYearReview(int planYear, DateOnly meeting) => new(
        "cross-year-review", "Reviews happen within the plan year",
        $"{planYear}年度评审须在当年完成，不得跨年度评审（会议日期{D(meeting)}）。",
        $"The {planYear} plan's reviews happen in {planYear}; a meeting on {D(meeting)} is cross-year.");

    public static DomainError ObjectionUpheld() => new(
        "objection-upheld", "An objection was upheld",
        "经查实的投诉举报成立，案件不能进入下一环节；请作不予受理（审核阶段）或取消资格（受理后）处理。",
        "An objection on this case was upheld: it does not advance. Reject it as ineligible (during the review chain) or disqualify it (after acceptance).") { Kind = ErrorKind.WrongState };

    // Rule 12 [003 三(一); 003 四(一)]: the green channel has its own plan (rounds and deadlines); regular plans take regular filings.
    public static DomainError ChannelNotInPlan(string channel, string plan) => new(
        "channel-not-in-plan", "The channel does not match the plan",
        $"申报渠道与年度计划不符：绿色通道申报须使用绿色通道计划，社会化评审不能使用绿色通道计划（{plan}）。",
        $"Channel {channel} does not match plan '{plan}': green-channel filings use a green-channel plan, other filings a regular plan.");

    // Rule 11 [001 七(三)]
    public static DomainError RevocationOfUnapproved() => new(
        "revocation-of-unapproved", "Only an approved title can be revoked",
        "只有已核准的职称才能撤销。", "Only an approved title can be revoked; this case was never approved.") { Kind = ErrorKind.WrongState };

    // Rule 12 [003 四]
    public static DomainError GreenChannelUsed() => new(
        "green-channel-used", "Green channel already used",
        "职称评审绿色通道政策原则上只可享受一次。", "A person benefits from the green channel once; it was used already.");

    public static DomainError GreenChannelFailedThisYear(int year) => new(
        "green-channel-failed-this-year", "Green channel failed this year",
        $"参加{year}年绿色通道评审未通过的，当年不得再次申报。", $"After failing the green channel in {year}, the person may not apply through it again that year.");

    public static DomainError PreferentialPolicyUsed(int code) => new(
        "preferential-policy-used", "A once-only preferential policy was used already",
        $"倾斜政策{code}只能享受一次，已经享受过。", $"Preferential policy {code} benefits a person once, and it already has.");

    public static DomainError PreferentialPolicyExpired(int code, DateOnly until) => new(
        "preferential-policy-expired", "The preferential policy has expired",
        $"倾斜政策{code}有效期至{D(until)}。", $"Preferential policy {code} was valid until {D(until)}.");

    // Rule 13 [000 七(一)4]
    public static DomainError IntegrityRecordBlocks(DateOnly until) => new(
        "integrity-record-blocks-filing", "An active integrity record blocks filing",
        $"申报人存在尚在记录期内的失信记录（撤销职称或取消晋升资格），{D(until)}前不得申报。",
        $"The applicant has an active integrity record (title revoked or promotion eligibility cancelled) and may not file before {D(until)}.");

    // Rule 14 [002 五(九)]
    public static DomainError QuotaExhausted(int places) => new(
        "quota-exhausted", "The plan's quota is used up",
        $"本年度该系列层级核准名额（{places}个）已用完。", $"The plan's quota of {places} approvals for this series and level is used up.");

    // Rule 15 (GB 11643)
    public static DomainError InvalidResidentId() => new(
        "invalid-resident-id", "Invalid resident ID",
        "身份证号须为18位且校验码正确（GB 11643）。", "A resident ID has 18 characters with a valid GB 11643 check digit.");

    public static DomainError IntegrityPledgeRequired() => new(
        "integrity-pledge-required", "The integrity pledge is required",
        "申报须签署诚信承诺书。", "An application is filed with the signed integrity pledge (诚信承诺).");

    public static DomainError WrongStage(string expected, string actual) => new(
        "wrong-stage", "The case is at another stage",
        $"案件当前环节为{Zh(actual)}，不是{Zh(expected)}。", $"The case is at stage {actual}, not {expected}.") { Kind = ErrorKind.WrongState };

    public static DomainError NotAllowedInStatus(string command, string status) => new(
        "not-allowed-in-status", "Not allowed in the case's current status",
        $"案件当前状态为{Zh(status)}，不能执行该操作（{command}）。", $"'{command}' is not allowed while the case is {status}.") { Kind = ErrorKind.WrongState };

    public static DomainError ApplicationExists() => new(
        "application-exists", "The application exists already",
        "该申报已存在。", "An application with this id exists already.") { Kind = ErrorKind.WrongState };

    public static DomainError ApplicationNotFound() => new(
        "application-not-found", "No such application",
        "申报不存在。", "There is no application with this id.") { Kind = ErrorKind.NotFound };

    public static DomainError NoUpheldObjection() => new(
        "no-upheld-objection", "Disqualification needs an upheld objection",
        "取消资格须以经查实（成立）的投诉为依据。", "Disqualification before approval follows an upheld objection; none was upheld.") { Kind = ErrorKind.WrongState };

    /// <summary>[architecture.md §4] a full resident ID or phone is shown only with a reason the disclosure record keeps.</summary>
    public static DomainError DisclosureReasonRequired() => new(
        "disclosure-reason-required", "Unmasking needs a reason",
        "查看完整身份证号或电话须说明理由，该理由将被记录备查；未显示任何内容。", "Say why you need the full value: the reason is recorded with the disclosure. Nothing was shown.");
}
