using System.Data.Common;
using System.Globalization;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.People;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Integrity;

/// <summary>
/// Reads the blacklist. Whether a record is active is computed from its dates — recordedOn ≤ on &lt; expiresOn
/// [000 七(一)4, 记录期限为3年] — so the answer is right even while the expiry job has not yet written the Expired event.
/// </summary>
public static class IntegrityRecordQueries
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public sealed record IntegrityRecordView(
        Guid RecordId, string SubjectKind, string SubjectKey, string SubjectName, string? ResidentIdMasked, string Misconduct, string Sanction,
        string DecisionReference, Guid? ApplicationId, DateOnly RecordedOn, DateOnly ExpiresOn, bool Active, bool ExpiredEventSeen, DateOnly? ExpiredOn, long Position);

    public sealed record Page(DateOnly On, bool IncludeExpired, IReadOnlyList<IntegrityRecordView> Items, string? NextCursor);

    /// <summary>The subject of a check sent as a body: exactly one of the three.</summary>
    public sealed record CheckBody(string? ResidentId, string? PersonKey, string? OrganisationCode, DateOnly? On);

    public sealed record CheckAnswer(DateOnly On, bool HasActiveRecord, bool BlocksFiling, IReadOnlyList<IntegrityRecordView> Records);

    public sealed record ListQuery(DateOnly On, bool IncludeExpired, long AfterPosition, int Limit) : IRequest<Page>;

    /// <summary><paramref name="SubjectKey"/> is a person key or an organisation code; <paramref name="Kinds"/> the subject kinds it may name.</summary>
    public sealed record CheckQuery(string SubjectKey, IReadOnlySet<string> Kinds, DateOnly On) : IRequest<CheckAnswer>;

    public sealed record GetQuery(Guid RecordId, DateOnly On) : IRequest<IntegrityRecordView?>;

    public sealed class Handler(IEventStore store, ProjectionHost host, ProjectionGenerations generations) :
        IRequestHandler<ListQuery, Page>, IRequestHandler<CheckQuery, CheckAnswer>, IRequestHandler<GetQuery, IntegrityRecordView?>
    {
        private const string Columns =
            "r.record_id, r.subject_kind, r.subject_key, r.subject_name, r.resident_id_masked, r.misconduct, r.sanction, r.decision_reference, r.application_id, " +
            "r.recorded_on, r.expires_on, r.expired, r.expired_on, r.global_position";

        public async Task<Page> Handle(ListQuery request, CancellationToken cancellationToken)
        {
            var on = IntegrityRecordsProjection.Iso(request.On);
            var filter = request.IncludeExpired ? "r.recorded_on <= @on" : "r.recorded_on <= @on AND r.expires_on > @on";
            var rows = await ReadAsync(
                $"r.global_position > @after AND {filter}",
                "ORDER BY r.global_position LIMIT @limit",
                request.On,
                cancellationToken,
                ("@after", request.AfterPosition),
                ("@on", on),
                ("@limit", request.Limit + 1));
            var items = rows.Take(request.Limit).ToArray();
            var next = rows.Count > request.Limit ? items[^1].Position.ToString(CultureInfo.InvariantCulture) : null;
            return new Page(request.On, request.IncludeExpired, items, next);
        }

        public async Task<CheckAnswer> Handle(CheckQuery request, CancellationToken cancellationToken)
        {
            var rows = await ReadAsync(
                "r.subject_key = @key AND r.recorded_on <= @on AND r.expires_on > @on",
                "ORDER BY r.global_position",
                request.On,
                cancellationToken,
                ("@key", request.SubjectKey),
                ("@on", IntegrityRecordsProjection.Iso(request.On)));
            var active = rows.Where(r => request.Kinds.Contains(r.SubjectKind)).ToArray();
            var blocks = active.Any(r => r.Sanction is nameof(Sanction.TitleRevoked) or nameof(Sanction.PromotionEligibilityCancelled));
            return new CheckAnswer(request.On, active.Length > 0, blocks, active);
        }

        public async Task<IntegrityRecordView?> Handle(GetQuery request, CancellationToken cancellationToken) =>
            (await ReadAsync("r.record_id = @id", string.Empty, request.On, cancellationToken, ("@id", request.RecordId.ToString("D"))))
            .SingleOrDefault();

        /// <summary>
        /// One statement, one round trip (the check's p99 target is 5 ms): the rows of the generation last seen active,
        /// joined to that projection's generation row, which says whether it still is (see <see cref="ActiveGenerationReads"/>).
        /// </summary>
        private Task<IReadOnlyList<IntegrityRecordView>> ReadAsync(
            string condition, string tail, DateOnly on, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
            generations.ReadActiveAsync<IReadOnlyList<IntegrityRecordView>>(
                host,
                store,
                host.Find(IntegrityRecordsProjection.ProjectionName)!,
                (tables, ct) => ReadAsync(tables, condition, tail, on, ct, parameters),
                cancellationToken);

        private Task<(int? Active, IReadOnlyList<IntegrityRecordView> Rows)> ReadAsync(
            ProjectionTables tables, string condition, string tail, DateOnly on, CancellationToken cancellationToken, (string Name, object? Value)[] parameters)
        {
            var table = tables[IntegrityRecordsProjection.Records];
            var sql = $"SELECT g.active, {Columns} FROM {store.Table("projection_generations")} g LEFT JOIN {table} r ON {condition} WHERE g.name = @projection {tail}";
            return store.QueryReadModelAsync(
                sql,
                [("@projection", IntegrityRecordsProjection.ProjectionName), .. parameters],
                (reader, ct) => ReadRowsAsync(reader, on, ct),
                cancellationToken);
        }

        private static async Task<(int? Active, IReadOnlyList<IntegrityRecordView> Rows)> ReadRowsAsync(DbDataReader reader, DateOnly on, CancellationToken cancellationToken)
        {
            int? active = null;
            var rows = new List<IntegrityRecordView>();
            while (await reader.ReadAsync(cancellationToken))
            {
                // Column 0 is the generation; the record's columns follow, all null when no record matched.
                active = Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture);
                if (reader.IsDBNull(1))
                {
                    continue;
                }

                string? Text(int i) => reader.IsDBNull(i + 1) ? null : reader.GetString(i + 1);
                string Required(int i) => reader.GetString(i + 1);
                long Number(int i) => Convert.ToInt64(reader.GetValue(i + 1), CultureInfo.InvariantCulture);
                DateOnly Date(string value) => DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                var recordedOn = Date(Required(9));
                var expiresOn = Date(Required(10));
                rows.Add(new IntegrityRecordView(
                    Guid.Parse(Required(0)),
                    Required(1),
                    Required(2),
                    Required(3),
                    Text(4),
                    Required(5),
                    Required(6),
                    Required(7),
                    Text(8) is { } application ? Guid.Parse(application) : null,
                    recordedOn,
                    expiresOn,
                    recordedOn <= on && on < expiresOn,
                    Number(11) != 0,
                    Text(12) is { } expiredOn ? Date(expiredOn) : null,
                    Number(13)));
            }

            return (active, rows);
        }

    }

    public static void Map(RouteGroupBuilder records)
    {
        records.MapGet("/", ListAsync)
            .WithName("ListIntegrityRecords")
            .WithSummary("List the integrity blacklist (诚信档案库 / 失信黑名单)")
            .WithDescription(
                "Records active on `on` (default today, China Standard Time): recordedOn ≤ on < expiresOn, the three-year period of 000 七(一)4. " +
                "includeExpired=true also lists records whose period has ended. Oldest first; pass the answer's nextCursor as cursor for the next page " +
                $"(limit 1 to {MaxLimit}, default {DefaultLimit}). after=<position> waits for the caller's own write. Persons appear by person key and masked resident ID only.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        records.MapGet("/check", CheckAsync)
            .WithName("CheckIntegrityRecord")
            .WithSummary("Does a person or unit have an active integrity record?")
            .WithDescription(
                "Exactly one of residentId (a person: the service computes the keyed HMAC and neither stores nor logs the ID), personKey, or organisationCode (a unit). " +
                "Answers whether an active record exists on `on` (default today), whether one blocks filing (title revoked or promotion eligibility cancelled), and the active records.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        records.MapPost("/check", (CheckBody body, long? after, HttpContext http, IMediator mediator, ProjectionHost host, CaseCommandExecutor executor, PersonKeys personKeys, CancellationToken ct) =>
                CheckAsync(body.ResidentId, body.PersonKey, body.OrganisationCode, body.On, after, http, mediator, host, executor, personKeys, ct))
            .WithName("CheckIntegrityRecordByBody")
            .WithSummary("Does a person or unit have an active integrity record? (subject in the body)")
            .WithDescription(
                "The same check as GET /api/v1/integrity-records/check with the subject in a JSON body ({\"residentId\": …} or personKey or organisationCode, optional on). " +
                "Prefer it to check by resident ID: URLs end up in proxy logs and browser histories, request bodies do not. after=<position> stays in the query.")
            .Produces<CheckAnswer>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        records.MapGet("/{id:guid}", GetAsync)
            .WithName("GetIntegrityRecord")
            .WithSummary("Read one integrity record")
            .WithDescription("The record, whether it is active on `on` (default today) and whether the expiry has been recorded.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <response code="200">One page of records, oldest first.</response>
    /// <response code="400">A query parameter is invalid.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<IResult> ListAsync(
        bool? includeExpired, DateOnly? on, string? cursor, int? limit, long? after, HttpContext http, IMediator mediator, ProjectionHost host, CaseCommandExecutor executor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        long afterPosition = 0;
        if (!string.IsNullOrEmpty(cursor) && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out afterPosition)))
        {
            errors.Add("cursor", "must be a nextCursor this API returned");
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {MaxLimit}");
        }

        errors.Date("on", on, required: false);
        if (errors.Any)
        {
            return CaseHttp.ValidationProblem(errors);
        }

        if (await ReadYourWrites.WaitAsync(http, host, host.Find(IntegrityRecordsProjection.ProjectionName)!, after, ct) is { } behind)
        {
            return behind;
        }

        return TypedResults.Ok(await mediator.Send(new ListQuery(on ?? executor.Today, includeExpired ?? false, afterPosition, limit ?? DefaultLimit), ct));
    }

    /// <response code="200">Whether the subject has an active record on the date, with those records.</response>
    /// <response code="400">Not exactly one of residentId, personKey and organisationCode, or one is invalid.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<IResult> CheckAsync(
        string? residentId, string? personKey, string? organisationCode, DateOnly? on, long? after, HttpContext http, IMediator mediator, ProjectionHost host,
        CaseCommandExecutor executor, PersonKeys personKeys, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var given = new[] { residentId, personKey, organisationCode }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (given != 1)
        {
            errors.Add("subject", "give exactly one of residentId, personKey and organisationCode");
        }
        else if (!string.IsNullOrWhiteSpace(residentId))
        {
            errors.ResidentId("residentId", residentId);
        }
        else if (!string.IsNullOrWhiteSpace(personKey))
        {
            IntegritySubjects.ValidatePersonKey(errors, "personKey", personKey);
        }
        else
        {
            IntegritySubjects.ValidateOrganisationCode(errors, "organisationCode", organisationCode);
        }

        errors.Date("on", on, required: false);
        if (errors.Any)
        {
            return CaseHttp.ValidationProblem(errors);
        }

        if (await ReadYourWrites.WaitAsync(http, host, host.Find(IntegrityRecordsProjection.ProjectionName)!, after, ct) is { } behind)
        {
            return behind;
        }

        var (key, kinds) = !string.IsNullOrWhiteSpace(residentId)
            ? (personKeys.KeyOf(residentId.Trim()), IntegritySubjects.PersonKinds)
            : !string.IsNullOrWhiteSpace(personKey)
                ? (personKey.Trim(), IntegritySubjects.PersonKinds)
                : (organisationCode!.Trim(), IntegritySubjects.UnitKinds);
        return TypedResults.Ok(await mediator.Send(new CheckQuery(key, kinds, on ?? executor.Today), ct));
    }

    /// <response code="200">The record.</response>
    /// <response code="404">No record has this id (or the read model has not seen it yet: pass after=).</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<IResult> GetAsync(
        Guid id, DateOnly? on, long? after, HttpContext http, IMediator mediator, ProjectionHost host, CaseCommandExecutor executor, CancellationToken ct)
    {
        if (await ReadYourWrites.WaitAsync(http, host, host.Find(IntegrityRecordsProjection.ProjectionName)!, after, ct) is { } behind)
        {
            return behind;
        }

        var record = await mediator.Send(new GetQuery(id, on ?? executor.Today), ct);
        return record is null ? CaseHttp.Problem(IntegritySubjects.RecordNotFound()) : TypedResults.Ok(record);
    }
}
