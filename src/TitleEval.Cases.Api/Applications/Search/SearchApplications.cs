using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.Search;

/// <summary>
/// Case search over the case-search read model. Filters combine with AND; <c>name</c> matches the start of the
/// applicant's name and <c>employer</c> the employer's code exactly or the start of its name; the rest match exactly.
/// Pages are keyset pages: the cursor holds the last row's sort key and id, so rows inserted meanwhile neither repeat
/// nor shift a page.
/// </summary>
public static class SearchApplications
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public enum Sort
    {
        SubmittedOnAscending,
        SubmittedOnDescending,
        Name,
    }

    public sealed record Item(
        Guid ApplicationId, string ApplicantName, string EmployerCode, string EmployerName, string Series, string Speciality, string Level,
        string Channel, string CommitteeId, string PlanId, int PlanYear, string Status, string Stage, DateOnly SubmittedOn, DateTimeOffset UpdatedAt);

    public sealed record Page(IReadOnlyList<Item> Items, string? NextCursor);

    /// <summary>Where the previous page ended: its sort, the last row's sort key and id.</summary>
    public sealed record Cursor(string Sort, string Key, string Id)
    {
        public string Encode() => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static Cursor? Decode(string text)
        {
            try
            {
                var base64 = text.Replace('-', '+').Replace('_', '/');
                base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
                return JsonSerializer.Deserialize<Cursor>(Convert.FromBase64String(base64)) is { Sort: not null, Key: not null, Id: not null } cursor ? cursor : null;
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The validated filters; <see cref="PersonKey"/> is the keyed HMAC of the searched resident ID, never the ID.</summary>
    public sealed record Query(
        string? PersonKey, string? Name, string? Employer, string? Series, string? Level, string? Committee, int? PlanYear,
        string? Status, string? Stage, Sort Sort, int Limit, Cursor? After) : IRequest<Page>
    {
        /// <summary>Whose cases: only those in this caller's scope (<see cref="Identity.CaseScope"/>); null = every case.</summary>
        public Identity.Caller? Caller { get; init; }
    }

    /// <summary>The query string as sent; <see cref="Validate"/> lists every offending parameter at once.</summary>
    public sealed record Parameters(
        string? ResidentId, string? Name, string? Employer, string? Series, string? Level, string? Committee, int? PlanYear,
        string? Status, string? Stage, string? Sort, int? Limit, string? Cursor)
    {
        public Query? Validate(PersonKeys keys, FieldErrors errors)
        {
            if (ResidentId is not null && !global::TitleEval.Cases.Domain.ResidentId.IsValid(ResidentId.Trim()))
            {
                errors.Add("residentId", "is not a valid resident ID number (GB 11643)");
            }

            Enumerated<Level>("level", Level, errors);
            Enumerated<ApplicationStatus>("status", Status, errors);
            Enumerated<ReviewStage>("stage", Stage, errors);
            foreach (var (field, value) in new[] { ("name", Name), ("employer", Employer), ("series", Series), ("committee", Committee) })
            {
                errors.Text(field, value, 200, required: false);
            }

            Sort? sort = (Sort ?? "-submittedOn") switch
            {
                "submittedOn" => SearchApplications.Sort.SubmittedOnAscending,
                "-submittedOn" => SearchApplications.Sort.SubmittedOnDescending,
                "name" => SearchApplications.Sort.Name,
                _ => null,
            };
            if (sort is null)
            {
                errors.Add("sort", "must be one of submittedOn, -submittedOn, name");
            }

            var limit = Limit ?? DefaultLimit;
            if (limit is < 1 or > MaxLimit)
            {
                errors.Add("limit", $"must be between 1 and {MaxLimit}");
            }

            var after = Cursor is null ? null : SearchApplications.Cursor.Decode(Cursor);
            if (Cursor is not null && (after is null || after.Sort != sort?.ToString()))
            {
                errors.Add("cursor", "is not a cursor this search answered (it must come from nextCursor of the same sort)");
            }

            return errors.Any
                ? null
                : new Query(
                    ResidentId is null ? null : keys.KeyOf(ResidentId.Trim()), Blank(Name), Blank(Employer), Blank(Series), Blank(Level), Blank(Committee),
                    PlanYear, Blank(Status), Blank(Stage), sort!.Value, limit, after);
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        private static void Enumerated<T>(string field, string? value, FieldErrors errors)
            where T : struct, Enum
        {
            if (value is not null && !Enum.GetNames<T>().Contains(value.Trim(), StringComparer.Ordinal))
            {
                errors.Add(field, $"must be one of {string.Join(", ", Enum.GetNames<T>())}");
            }
        }
    }

    public sealed class Handler(IEventStore store, ProjectionHost host, ProjectionGenerations generations) : IRequestHandler<Query, Page>
    {
        public async Task<Page> Handle(Query request, CancellationToken cancellationToken)
        {
            var items = await generations.ReadActiveAsync(
                host, store, host.Find(new CaseSearchProjection().Name)!, (tables, ct) => ReadAsync(tables, request, ct), cancellationToken);
            if (items.Count <= request.Limit)
            {
                return new Page(items, null);
            }

            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            var lastKey = request.Sort == Sort.Name ? last.ApplicantName : CaseSearchProjection.Date(last.SubmittedOn);
            return new Page(items, new Cursor(request.Sort.ToString(), lastKey, last.ApplicationId.ToString("D")).Encode());
        }

        /// <summary>
        /// One round trip: the page's rows, then whether their generation is still the active one (the search's p99
        /// target is 10 ms; looking the generation up first took a connection and a statement of its own). Two statements
        /// rather than a join, so that the sort can still walk an index and stop at the page's end.
        /// </summary>
        private async Task<(int? Active, List<Item> Items)> ReadAsync(ProjectionTables tables, Query request, CancellationToken cancellationToken)
        {
            var parameters = new List<(string Name, object? Value)>();
            var where = new List<string>();
            void Filter(string condition, string name, object? value)
            {
                if (value is null)
                {
                    return;
                }

                where.Add(condition);
                parameters.Add((name, value));
            }

            Filter("person_key = @person", "@person", request.PersonKey);
            Filter("substr(applicant_name, 1, length(@name)) = @name", "@name", request.Name);
            Filter("(employer_code = @employer OR substr(employer_name, 1, length(@employer)) = @employer)", "@employer", request.Employer);
            Filter("series = @series", "@series", request.Series);
            Filter("level = @level", "@level", request.Level);
            Filter("committee_id = @committee", "@committee", request.Committee);
            Filter("plan_year = @year", "@year", request.PlanYear);
            Filter("status = @status", "@status", request.Status);
            Filter("stage = @stage", "@stage", request.Stage);
            ScopeFilter(request.Caller, where, parameters);

            var (key, descending) = request.Sort switch
            {
                Sort.SubmittedOnAscending => ("submitted_on", false),
                Sort.SubmittedOnDescending => ("submitted_on", true),
                _ => ("applicant_name", false),
            };
            var direction = descending ? "DESC" : "ASC";
            var beyond = descending ? "<" : ">";
            if (request.After is { } after)
            {
                where.Add($"({key} {beyond} @afterKey OR ({key} = @afterKey AND application_id {beyond} @afterId))");
                parameters.Add(("@afterKey", after.Key));
                parameters.Add(("@afterId", after.Id));
            }

            // One row more than asked tells whether another page follows.
            parameters.Add(("@take", request.Limit + 1));
            parameters.Add((ActiveGenerationReads.ProjectionParameter, new CaseSearchProjection().Name));
            var sql = $"""
                SELECT application_id, applicant_name, employer_code, employer_name, series, speciality, level, channel, committee_id,
                    plan_id, plan_year, status, stage, submitted_on, updated_at
                FROM {tables[CaseSearchProjection.Table]}
                {(where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where))}
                ORDER BY {key} {direction}, application_id {direction}
                LIMIT @take;
                {ActiveGenerationReads.Statement(store)}
                """;
            return await store.QueryReadModelAsync(sql, parameters, ReadPageAsync, cancellationToken);
        }

        private static async Task<(int? Active, List<Item> Items)> ReadPageAsync(System.Data.Common.DbDataReader reader, CancellationToken cancellationToken)
        {
            var items = new List<Item>();
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new Item(
                    Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                    Convert.ToInt32(reader.GetValue(10), CultureInfo.InvariantCulture), reader.GetString(11), reader.GetString(12),
                    DateOnly.ParseExact(reader.GetString(13), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse(reader.GetString(14), CultureInfo.InvariantCulture)));
            }

            return (await ActiveGenerationReads.ReadStatementAsync(reader, cancellationToken), items);
        }
    }

    /// <summary>The caller's scope as SQL, the same rule <see cref="Identity.CaseScope.Sees"/> applies to one case: nobody pages through cases they could not open.</summary>
    private static void ScopeFilter(Identity.Caller? caller, List<string> where, List<(string Name, object? Value)> parameters)
    {
        void Scope(string condition, object? value)
        {
            where.Add(condition);
            parameters.Add(("@scope", value ?? string.Empty));
        }

        switch (caller?.Role)
        {
            case null or Identity.Roles.System or Identity.Roles.Inspector:
                return;
            case Identity.Roles.Applicant:
                Scope("filed_by = @scope", caller.Id);
                return;
            case Identity.Roles.Employer:
                Scope("employer_code = @scope", caller.Organisation);
                return;
            case Identity.Roles.Department:
                Scope("employer_department = @scope", caller.Organisation);
                return;
            case Identity.Roles.Bureau when caller.Region == Identity.Caller.AllRegions:
                return;
            case Identity.Roles.Bureau:
                Scope("employer_region = @scope", caller.Region);
                return;
            case Identity.Roles.CommitteeOffice:
                Scope("committee_id = @scope", caller.Committee);
                return;
            default:
                where.Add("1 = 0");
                return;
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapGet("/", SearchAsync)
            .WithName("SearchApplications")
            .WithSummary("Search cases (案件检索)")
            .WithDescription(
                "Cases from the case-search read model, filtered by any of: residentId (exact; matched through its keyed HMAC, the ID itself is never stored), " +
                "name (start of the applicant's name), employer (employer code exactly, or the start of its name), series, level, committee, planYear, status, stage " +
                "— combined with AND. sort=submittedOn|-submittedOn (default)|name; limit 1..200 (default 50); pass nextCursor back as cursor for the next page " +
                "(keyset pagination: stable while cases are added). Pass after=<position> to read your own write.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        applications.MapPost("/search", SearchByBodyAsync)
            .WithName("SearchApplicationsByBody")
            .WithSummary("Search cases, filters in the body (案件检索)")
            .WithDescription(
                "The same search as GET /api/v1/applications with the same filters as a JSON body ({\"residentId\": …, \"name\": …, \"sort\": …, \"cursor\": …}). " +
                "Prefer it to search by resident ID: URLs end up in proxy logs and browser histories, request bodies do not. after=<position> stays in the query.")
            .Produces<Page>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <response code="200">One page of matching cases and the cursor of the next page (null on the last).</response>
    /// <response code="400">A filter is invalid (every offending one is listed in errors), or the body is not JSON.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static Task<IResult> SearchByBodyAsync(Parameters body, HttpContext http, IMediator mediator, ProjectionHost host, PersonKeys keys, CancellationToken ct, long? after = null) =>
        RunAsync(body, after, http, mediator, host, keys, ct);

    /// <response code="200">One page of matching cases and the cursor of the next page (null on the last).</response>
    /// <response code="400">A parameter is invalid; every offending one is listed in errors.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static Task<IResult> SearchAsync(
        HttpContext http, IMediator mediator, ProjectionHost host, PersonKeys keys, CancellationToken ct,
        string? residentId = null, string? name = null, string? employer = null, string? series = null, string? level = null, string? committee = null,
        int? planYear = null, string? status = null, string? stage = null, string? sort = null, int? limit = null, string? cursor = null, long? after = null)
        => RunAsync(new Parameters(residentId, name, employer, series, level, committee, planYear, status, stage, sort, limit, cursor), after, http, mediator, host, keys, ct);

    private static async Task<IResult> RunAsync(Parameters parameters, long? after, HttpContext http, IMediator mediator, ProjectionHost host, PersonKeys keys, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = parameters.Validate(keys, errors);
        if (query is null)
        {
            return CaseHttp.ValidationProblem(errors);
        }

        if (await ReadYourWrites.WaitAsync(http, host, host.Find(new CaseSearchProjection().Name)!, after, ct) is { } behind)
        {
            return behind;
        }

        return TypedResults.Ok(await mediator.Send(query with { Caller = Identity.Caller.Of(http) }, ct));
    }
}
