using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Reference;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Rosters;

/// <summary>花名册 of one committee, plan year, series and level, as CSV, XLSX or JSON [000 附件2; domain.md §7].</summary>
public static class GetRoster
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public sealed record Roster(string? CommitteeId, int? PlanYear, string? Series, Level? Level, IReadOnlyList<RosterRow> Rows);

    public sealed record Query(RosterFilter Filter) : IRequest<Roster>;

    public sealed class Handler(IEventStore store, ProjectionHost host, ReferenceData reference) : IRequestHandler<Query, Roster>
    {
        public async Task<Roster> Handle(Query request, CancellationToken cancellationToken)
        {
            var tables = await host.ActiveTablesAsync(host.Find(new RosterProjection().Name)!, cancellationToken);
            var records = await RosterQueries.ReadAsync(store, tables, request.Filter, cancellationToken);

            // "同一个地区（单位）的花名册需按职称系列、层级进行分类排序" [000 三(三)6]: by series and level first, then
            // 单位所属 (区直 → 乡镇), 工作单位 and 姓名; the case id last, so equal rows keep one order on every export.
            var ordered = records
                .Where(r => RosterQueries.Listed(r.Status))
                .OrderBy(r => r.Series, StringComparer.Ordinal)
                .ThenBy(r => r.Level)
                .ThenBy(r => r.Affiliation)
                .ThenBy(r => r.EmployerName, StringComparer.Ordinal)
                .ThenBy(r => r.Name, StringComparer.Ordinal)
                .ThenBy(r => r.ApplicationId)
                .Select((r, i) => new RosterRow(
                    i + 1, r.ApplicationId, r.Series, r.Level.ToString(), r.Status.ToString(), RosterFormat.Affiliation(r.Affiliation), r.EmployerName, r.Name,
                    r.Gender, r.Ethnicity, r.BirthMonth, r.Education, r.Graduated, r.Major, r.CurrentTitle, r.CurrentSpeciality,
                    RosterFormat.AppliedTitle(reference.Series, r.Series, r.Speciality, r.Level), r.ContinuingEducation, r.ResidentIdMasked, r.PhoneMasked,
                    r.PreferentialPolicies))
                .ToArray();
            var f = request.Filter;
            return new Roster(f.Committee, f.PlanYear, f.Series, f.Level, ordered);
        }
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/rosters", GetAsync)
            .WithTags("Read models")
            .WithName("GetRoster")
            .WithSummary("Export a roster (花名册)")
            .WithDescription(
                "The roster of 附件2 of the notice: one row per case still in (or through) the procedure — withdrawn, rejected and deemed-withdrawn cases are left out — " +
                "sorted by series, level, 单位所属, 工作单位 and 姓名. format=csv (UTF-8 with BOM, Chinese headers in the notice's order), xlsx (sheet 花名册) or json (default). " +
                "身份证号 and 联系电话 are masked. Pass after=<position> to read your own write.")
            .Produces<Roster>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, contentType: CsvType)
            .Produces(StatusCodes.Status200OK, contentType: XlsxType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <response code="200">The roster, as JSON, CSV or XLSX.</response>
    /// <response code="400">An unknown level or format.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<IResult> GetAsync(
        string? committee, int? planYear, string? series, string? level, string? format, long? after,
        HttpContext http, IMediator mediator, ProjectionHost host, RosterExportCache cache, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Level? parsedLevel = null;
        if (level is not null)
        {
            if (Enum.TryParse<Level>(level, ignoreCase: false, out var l) && Enum.IsDefined(l))
            {
                parsedLevel = l;
            }
            else
            {
                errors.Add("level", $"must be one of {string.Join(", ", Enum.GetNames<Level>())}");
            }
        }

        var kind = (format ?? "json").ToLowerInvariant();
        if (kind is not ("json" or "csv" or "xlsx"))
        {
            errors.Add("format", "must be csv, xlsx or json");
        }

        if (errors.Any)
        {
            return CaseHttp.ValidationProblem(errors);
        }

        if (await ReadYourWrites.WaitAsync(http, host, host.Find(new RosterProjection().Name)!, after, ct) is { } behind)
        {
            return behind;
        }

        var query = new Query(new RosterFilter(committee, planYear, series, parsedLevel));
        if (kind == "json")
        {
            return TypedResults.Ok(await mediator.Send(query, ct));
        }

        var name = $"roster-{committee ?? "all"}-{planYear?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"}-{series ?? "all"}-{parsedLevel?.ToString() ?? "all"}";
        var (generation, checkpoint) = await host.ActiveCheckpointAsync(host.Find(new RosterProjection().Name)!, ct);

        // Rendered once per state of the roster (RosterExportCache); not with the request's token, since other requests
        // may be waiting for the same rendering.
        var file = await cache.GetOrRenderAsync(string.Join('|', generation, checkpoint, kind, committee ?? "\0", planYear?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", series ?? "\0", parsedLevel?.ToString() ?? "-"), async () =>
        {
            var roster = await mediator.Send(query, CancellationToken.None);
            return kind == "csv" ? RosterExport.Csv(roster.Rows) : RosterExport.Xlsx(roster.Rows);
        });
        return kind == "csv" ? TypedResults.File(file, CsvType, $"{name}.csv") : TypedResults.File(file, XlsxType, $"{name}.xlsx");
    }
}
