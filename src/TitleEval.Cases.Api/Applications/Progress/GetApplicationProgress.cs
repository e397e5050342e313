using System.Globalization;
using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.Api.Applications.Search;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.Progress;

/// <summary>
/// 进度查询 [000 七(二)3]: where the applicant's case stands, what is pending with whom, and which deadlines are open —
/// read from the case-search row (status, stage, open publicity, correction deadline), never by folding the stream on
/// the request path.
/// </summary>
public static class GetApplicationProgress
{
    public sealed record Label(string Zh, string En);

    /// <summary>Who must act next and what they must do.</summary>
    public sealed record Pending(string With, Label Label);

    public sealed record Deadline(string Kind, DateOnly Date, Label Label);

    public sealed record ApplicationProgress(
        Guid ApplicationId, ApplicationStatus Status, Label StatusLabel, ReviewStage Stage, Label StageLabel, Label Summary,
        Pending? Pending, IReadOnlyList<Deadline> Deadlines, string? CertificateNumber, long Version, DateTimeOffset UpdatedAt);

    /// <summary>The facts of the case-search row that progress is derived from.</summary>
    public sealed record Row(
        Guid ApplicationId, ApplicationStatus Status, ReviewStage Stage, DateOnly? CorrectionDeadline, PublicityStage? OpenPublicity,
        DateOnly? PublicityEnd, DateOnly? MeetingDate, DateOnly? ApprovedOn, string? CertificateNumber, long Version, DateTimeOffset UpdatedAt);

    public sealed record Query(Guid ApplicationId) : IRequest<ApplicationProgress?>;

    public sealed class Handler(IEventStore store, ProjectionHost host) : IRequestHandler<Query, ApplicationProgress?>
    {
        public async Task<ApplicationProgress?> Handle(Query request, CancellationToken cancellationToken)
        {
            var tables = await host.ActiveTablesAsync(host.Find(new CaseSearchProjection().Name)!, cancellationToken);
            // An applicant's point query: through the store's kept statements (prepared once on SQLite).
            var sql = $"""
                SELECT status, stage, correction_deadline, publicity_stage, publicity_end, meeting_date, approved_on, certificate_number, last_version, updated_at
                FROM {tables[CaseSearchProjection.Table]} WHERE application_id = @id
                """;
            return await store.QueryReadModelAsync(sql, [("@id", request.ApplicationId.ToString("D"))], (reader, ct) => ReadAsync(reader, request.ApplicationId, ct), cancellationToken);
        }

        private static async Task<ApplicationProgress?> ReadAsync(System.Data.Common.DbDataReader reader, Guid applicationId, CancellationToken cancellationToken)
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            DateOnly? Date(int i) => reader.IsDBNull(i) ? null : DateOnly.ParseExact(reader.GetString(i), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            return Describe(new Row(
                applicationId,
                Enum.Parse<ApplicationStatus>(reader.GetString(0)),
                Enum.Parse<ReviewStage>(reader.GetString(1)),
                Date(2),
                reader.IsDBNull(3) ? null : Enum.Parse<PublicityStage>(reader.GetString(3)),
                Date(4),
                Date(5),
                Date(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                Convert.ToInt64(reader.GetValue(8), CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Status, stage, what is pending with whom and the open deadlines, in Chinese and English.</summary>
    public static ApplicationProgress Describe(Row row)
    {
        var deadlines = new List<Deadline>();
        if (row.OpenPublicity is { } publicity && row.PublicityEnd is { } end)
        {
            var (zh, en) = PublicityName(publicity);
            deadlines.Add(new Deadline("PublicityEnd", end, new($"{zh}截止 {Day(end)}", $"{en} ends {Day(end)}")));
        }

        if (row.Status == ApplicationStatus.Returned && row.CorrectionDeadline is { } correction)
        {
            deadlines.Add(new Deadline("CorrectionDeadline", correction, new($"补正材料截止 {Day(correction)}", $"corrections due by {Day(correction)}")));
        }

        var (summary, pending) = Next(row);
        return new ApplicationProgress(
            row.ApplicationId, row.Status, StatusLabel(row.Status), row.Stage, StageLabel(row.Stage), summary, pending, deadlines,
            row.CertificateNumber, row.Version, row.UpdatedAt);
    }

    private static (Label Summary, Pending? Pending) Next(Row row)
    {
        var publicity = row.OpenPublicity is { } p && row.PublicityEnd is { } end
            ? (Stage: p, End: end, Names: PublicityName(p))
            : ((PublicityStage Stage, DateOnly End, (string Zh, string En) Names)?)null;
        Label During((PublicityStage Stage, DateOnly End, (string Zh, string En) Names) open) =>
            new($"{open.Names.Zh}中，至 {Day(open.End)}", $"{open.Names.En} open until {Day(open.End)}");

        switch (row.Status)
        {
            case ApplicationStatus.InReview:
                // [001 五] the employer recommends only after its in-unit publicity; the bureau passes on only after the roster publicity.
                var reviewer = StageReviewer(row.Stage);
                var review = new Pending(row.Stage.ToString(), new($"{reviewer.Zh}{StageLabel(row.Stage).Zh}", $"{StageLabel(row.Stage).En} by the {reviewer.En}"));
                return (publicity is { } open ? During(open) : new($"{StageLabel(row.Stage).Zh}中", $"in {StageLabel(row.Stage).En}"), review);
            case ApplicationStatus.Returned:
                // [001 五(二)] a one-time notice of all items; what is not corrected by the deadline is deemed withdrawn [002 三(二)].
                var by = row.CorrectionDeadline is { } d ? Day(d) : "-";
                return (new($"已退回补正（{StageLabel(row.Stage).Zh}）", $"returned for correction ({StageLabel(row.Stage).En})"),
                    new Pending("Applicant", new($"申报人于 {by} 前补正并重新提交", $"the applicant corrects and resubmits by {by}")));
            case ApplicationStatus.Accepted:
                return (new("已受理，待评审", "accepted, awaiting the committee's review"),
                    new Pending("Committee", new("评审委员会召开评审会议评议表决", "the review committee's meeting and vote")));
            case ApplicationStatus.ReviewPassed:
                // [001 五; 000 六(二)4] the result is publicised, then approved and filed by the HR bureau.
                return (publicity is { } result ? During(result) : new("评审通过", "passed the committee's review"),
                    new Pending("Bureau", new("评审结果公示期满后由人力资源社会保障部门审核备案", "after the result publicity, approval and filing by the HR bureau")));
            case ApplicationStatus.Approved:
                return (new($"已核准{(row.ApprovedOn is { } on ? $"（{Day(on)}）" : string.Empty)}", $"approved{(row.ApprovedOn is { } on2 ? $" on {Day(on2)}" : string.Empty)}"),
                    new Pending("Bureau", new("制发职称证书", "issuing the title certificate")));
            case ApplicationStatus.CertificateIssued:
                return (new($"已发放证书 {row.CertificateNumber}", $"certificate {row.CertificateNumber} issued"), null);
            default:
                return (StatusLabel(row.Status), null);
        }
    }

    public static Label StatusLabel(ApplicationStatus status) => status switch
    {
        ApplicationStatus.InReview => new("审核中", "in review"),
        ApplicationStatus.Returned => new("退回补正", "returned for correction"),
        ApplicationStatus.Accepted => new("已受理", "accepted"),
        ApplicationStatus.ReviewPassed => new("评审通过", "review passed"),
        ApplicationStatus.Approved => new("已核准", "approved"),
        ApplicationStatus.CertificateIssued => new("已发证", "certificate issued"),
        ApplicationStatus.RevokedForFraud => new("已撤销（弄虚作假）", "revoked for fraud"),
        ApplicationStatus.NotPassed => new("评审未通过", "not passed"),
        ApplicationStatus.Disqualified => new("取消资格", "disqualified"),
        ApplicationStatus.RejectedIneligible => new("不符合申报条件，不予受理", "rejected as ineligible"),
        ApplicationStatus.Withdrawn => new("已撤回", "withdrawn"),
        ApplicationStatus.DeemedWithdrawn => new("逾期未补正，视为放弃", "deemed withdrawn"),
        _ => new(status.ToString(), status.ToString()),
    };

    public static Label StageLabel(ReviewStage stage) => stage switch
    {
        ReviewStage.Employer => new("初审", "first review"),
        ReviewStage.Department => new("复审", "second review"),
        ReviewStage.Bureau => new("人社部门审核", "HR bureau check"),
        ReviewStage.CommitteeOffice => new("评委会办事机构复核", "committee office check"),
        _ => new(stage.ToString(), stage.ToString()),
    };

    private static (string Zh, string En) StageReviewer(ReviewStage stage) => stage switch
    {
        ReviewStage.Employer => ("用人单位", "employer"),
        ReviewStage.Department => ("主管部门", "supervising department"),
        ReviewStage.Bureau => ("人力资源社会保障部门", "HR bureau"),
        _ => ("评审委员会办事机构", "committee office"),
    };

    private static (string Zh, string En) PublicityName(PublicityStage stage) => stage switch
    {
        PublicityStage.Employer => ("单位内公示", "the in-unit publicity"),
        PublicityStage.Roster => ("花名册公示", "the roster publicity"),
        _ => ("评审结果公示", "the result publicity"),
    };

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapGet("/{id:guid}/progress", GetAsync)
            .WithName("GetApplicationProgress")
            .WithSummary("Read a case's progress (进度查询)")
            .WithDescription(
                "The case's status and review stage, what is pending with whom, and the open deadlines (the end of an open publicity, the correction deadline), " +
                "in Chinese and English, from the case-search read model. Pass after=<position> (the `position` a command answered) to read your own write.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <response code="200">The case's progress.</response>
    /// <response code="404">No case has this id (or the read model has not seen it yet: pass after=).</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<IResult> GetAsync(Guid id, long? after, HttpContext http, IMediator mediator, ProjectionHost host, CancellationToken ct)
    {
        if (await ReadYourWrites.WaitAsync(http, host, host.Find(new CaseSearchProjection().Name)!, after, ct) is { } behind)
        {
            return behind;
        }

        var progress = await mediator.Send(new Query(id), ct);
        return progress is null ? CaseHttp.Problem(DomainErrors.ApplicationNotFound()) : TypedResults.Ok(progress);
    }
}
