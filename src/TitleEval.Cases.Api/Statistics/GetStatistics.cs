using MediatR;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Rosters;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Statistics;

/// <summary>
/// The bureau's yearly summary [domain.md §7]: counts by series, level, stage, status and outcome, computed from the
/// roster read model (which keeps a row for every case, listed or not) — never from the event log.
/// </summary>
public static class GetStatistics
{
    /// <summary>How cases ended; a case still in the procedure counts as <see cref="InProgress"/>.</summary>
    public sealed record Outcomes(int InProgress, int Approved, int NotPassed, int Withdrawn, int Rejected, int DeemedWithdrawn, int Disqualified, int Revoked);

    public sealed record Summary(
        int? PlanYear, string? Region, int Total,
        IReadOnlyDictionary<string, int> BySeries, IReadOnlyDictionary<string, int> ByLevel,
        IReadOnlyDictionary<string, int> ByStage, IReadOnlyDictionary<string, int> ByStatus, Outcomes Outcomes);

    public sealed record Query(int? PlanYear, string? Region) : IRequest<Summary>;

    public sealed class Handler(IEventStore store, ProjectionHost host) : IRequestHandler<Query, Summary>
    {
        public async Task<Summary> Handle(Query request, CancellationToken cancellationToken)
        {
            var tables = await host.ActiveTablesAsync(host.Find(new RosterProjection().Name)!, cancellationToken);
            var rows = await RosterQueries.ReadAsync(store, tables, new RosterFilter(PlanYear: request.PlanYear, Region: request.Region), cancellationToken);
            int Count(params ApplicationStatus[] statuses) => rows.Count(r => statuses.Contains(r.Status));
            return new Summary(
                request.PlanYear, request.Region, rows.Count,
                Counts(rows, r => r.Series),
                Counts(rows, r => r.Level.ToString()),
                Counts(rows, Stage),
                Counts(rows, r => r.Status.ToString()),
                new Outcomes(
                    Count(ApplicationStatus.InReview, ApplicationStatus.Returned, ApplicationStatus.Accepted, ApplicationStatus.ReviewPassed),
                    Count(ApplicationStatus.Approved, ApplicationStatus.CertificateIssued),
                    Count(ApplicationStatus.NotPassed),
                    Count(ApplicationStatus.Withdrawn),
                    Count(ApplicationStatus.RejectedIneligible),
                    Count(ApplicationStatus.DeemedWithdrawn),
                    Count(ApplicationStatus.Disqualified),
                    Count(ApplicationStatus.RevokedForFraud)));
        }

        /// <summary>Where a case stands: its pending review stage while in review or returned, else its status.</summary>
        private static string Stage(RosterRecord r) =>
            r.Status is ApplicationStatus.InReview or ApplicationStatus.Returned && r.Stage is { } stage ? stage.ToString() : r.Status.ToString();

        private static SortedDictionary<string, int> Counts(IEnumerable<RosterRecord> rows, Func<RosterRecord, string> key) =>
            new(rows.GroupBy(key).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/statistics", GetAsync)
            .WithTags("Read models")
            .WithName("GetStatistics")
            .WithSummary("Count cases for the yearly summary (统计)")
            .WithDescription(
                "Counts of cases by series, level, stage (the pending review stage, or the status past review), status and outcome (approved — including certificate issued —, " +
                "not passed, withdrawn, rejected, deemed withdrawn, disqualified, revoked). Filter by planYear and region (the employer's region). Pass after=<position> to read your own write.")
            .Produces<Summary>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <response code="200">The counts.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<IResult> GetAsync(int? planYear, string? region, long? after, HttpContext http, IMediator mediator, ProjectionHost host, CancellationToken ct)
    {
        if (await ReadYourWrites.WaitAsync(http, host, host.Find(new RosterProjection().Name)!, after, ct) is { } behind)
        {
            return behind;
        }

        return TypedResults.Ok(await mediator.Send(new Query(planYear, region), ct));
    }
}
