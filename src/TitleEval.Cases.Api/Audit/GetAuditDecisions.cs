using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Audit;

/// <summary>
/// The inspectors' audit queries over the audit-trail read model: every decision filtered by actor, organisation,
/// role, event type, case and time range (filters combine with AND), oldest first, in keyset pages whose opaque cursor
/// holds the last position — so a page never repeats or skips a row however many events arrive meanwhile — and the
/// same filter as a CSV file.
/// </summary>
public static class GetAuditDecisions
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const string CsvType = "text/csv; charset=utf-8";

    /// <summary>One decision: audit fields only, no personal data. <see cref="ApplicationId"/> is empty for streams not about one case.</summary>
    public sealed record AuditDecision(
        long Position,
        DateTimeOffset OccurredAt,
        DateTimeOffset RecordedAt,
        string Stream,
        Guid? ApplicationId,
        string EventType,
        string? ActorId,
        string? ActorRole,
        string? ActorOrganisation,
        string? ClientId,
        string? Reason,
        string? CorrelationId,
        string? CausationId);

    public sealed record Page(IReadOnlyList<AuditDecision> Items, string? NextCursor);

    /// <summary>The validated filters; <see cref="From"/> is inclusive and <see cref="To"/> exclusive.</summary>
    public sealed record Filter(
        string? Actor, string? Organisation, string? Role, string? EventType, Guid? ApplicationId, DateTimeOffset? From, DateTimeOffset? To);

    public sealed record Query(Filter Filter, long AfterPosition, int Limit) : IRequest<IReadOnlyList<AuditDecision>>;

    /// <summary>The cursor is the last position of the page, base64url-wrapped so that clients treat it as opaque.</summary>
    public static class Cursor
    {
        private const string Prefix = "audit:";

        public static string Encode(long position) =>
            Convert.ToBase64String(Encoding.ASCII.GetBytes(Prefix + position.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static long? Decode(string text)
        {
            try
            {
                var base64 = text.Replace('-', '+').Replace('_', '/');
                base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
                var plain = Encoding.ASCII.GetString(Convert.FromBase64String(base64));
                return plain.StartsWith(Prefix, StringComparison.Ordinal)
                    && long.TryParse(plain.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                        ? position
                        : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    /// <summary>The query string as sent; <see cref="Validate"/> lists every offending parameter at once.</summary>
    public sealed record Parameters(
        string? Actor, string? Organisation, string? Role, string? EventType, string? ApplicationId, string? From, string? To, string? Cursor, int? Limit)
    {
        public (Filter Filter, long AfterPosition, int Limit)? Validate(FieldErrors errors)
        {
            foreach (var (field, value) in new[] { ("actor", Actor), ("organisation", Organisation), ("role", Role), ("eventType", EventType) })
            {
                errors.Text(field, value, 200, required: false);
            }

            Guid? application = null;
            if (!string.IsNullOrWhiteSpace(ApplicationId))
            {
                if (Guid.TryParse(ApplicationId.Trim(), out var id))
                {
                    application = id;
                }
                else
                {
                    errors.Add("applicationId", "must be a case id (a GUID)");
                }
            }

            var from = Instant("from", From, endOfDay: false, errors);
            var to = Instant("to", To, endOfDay: true, errors);
            if (from is { } f && to is { } t && f >= t)
            {
                errors.Add("to", "must be later than from");
            }

            var limit = Limit ?? DefaultLimit;
            if (limit is < 1 or > MaxLimit)
            {
                errors.Add("limit", $"must be between 1 and {MaxLimit}");
            }

            long after = 0;
            if (!string.IsNullOrWhiteSpace(Cursor))
            {
                if (GetAuditDecisions.Cursor.Decode(Cursor.Trim()) is { } position)
                {
                    after = position;
                }
                else
                {
                    errors.Add("cursor", "is not a cursor this query answered (use nextCursor as given)");
                }
            }

            return errors.Any
                ? null
                : (new Filter(Blank(Actor), Blank(Organisation), Blank(Role), Blank(EventType), application, from, to), after, limit);
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        /// <summary>
        /// An instant with its offset (<c>2026-06-15T08:00:00+08:00</c>), or a date meaning that day in China Standard Time:
        /// <c>from</c> its start, <c>to</c> its end — so <c>from=2026-06-15&amp;to=2026-06-15</c> is that whole day.
        /// </summary>
        private static DateTimeOffset? Instant(string field, string? value, bool endOfDay, FieldErrors errors)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            var text = value.Trim();
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return new DateTimeOffset((endOfDay ? date.AddDays(1) : date).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
            }

            if (text.Length > 10 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            {
                return instant;
            }

            errors.Add(field, "must be a date (yyyy-MM-dd, China Standard Time) or an ISO 8601 instant with its offset");
            return null;
        }
    }

    public sealed class Handler(IEventStore store, ProjectionHost host) : IRequestHandler<Query, IReadOnlyList<AuditDecision>>
    {
        public async Task<IReadOnlyList<AuditDecision>> Handle(Query request, CancellationToken cancellationToken)
        {
            var tables = await host.ActiveTablesAsync(host.Find(new AuditTrailProjection().Name)!, cancellationToken);
            await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
            await using var query = connection.CreateCommand();
            var where = new List<string> { "global_position > @after" };
            query.WithParameter("@after", request.AfterPosition);
            void Where(string condition, string name, object? value)
            {
                if (value is not null)
                {
                    where.Add(condition);
                    query.WithParameter(name, value);
                }
            }

            var f = request.Filter;
            Where("actor_id = @actor", "@actor", f.Actor);
            Where("actor_organisation = @organisation", "@organisation", f.Organisation);
            Where("actor_role = @role", "@role", f.Role);
            Where("event_type = @type", "@type", f.EventType);
            Where("application_id = @application", "@application", f.ApplicationId?.ToString("D"));
            Where("occurred_at >= @from", "@from", f.From is { } from ? AuditTrailProjection.Instant(from) : null);
            Where("occurred_at < @to", "@to", f.To is { } to ? AuditTrailProjection.Instant(to) : null);
            query.WithParameter("@limit", request.Limit);
            query.CommandText = $"""
                SELECT global_position, occurred_at, recorded_at, stream, application_id, event_type, actor_id, actor_role, actor_organisation,
                    client_id, reason, correlation_id, causation_id
                FROM {tables[AuditTrailProjection.Table]}
                WHERE {string.Join(" AND ", where)}
                ORDER BY global_position
                LIMIT @limit
                """;
            var rows = new List<AuditDecision>();
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                rows.Add(new AuditDecision(
                    Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                    reader.GetString(3),
                    Text(4) is { } application ? Guid.Parse(application) : null,
                    reader.GetString(5),
                    Text(6), Text(7), Text(8), Text(9), Text(10), Text(11), Text(12)));
            }

            return rows;
        }
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/v1/audit").WithTags("Audit");
        const string filters =
            "Filters, combined with AND: actor (actor id), organisation, role, eventType (e.g. stage-review-passed.v1), applicationId, " +
            "from (inclusive) and to (exclusive) — an ISO 8601 instant with offset, or a date meaning that day in China Standard Time (to=2026-06-15 includes the 15th). " +
            "Time is when the decision was made (the event's occurredAt). Pass after=<position> (a command's `position`) to read your own write. " +
            "Only audit fields are returned: no names, resident IDs or phones. Role: inspector (committee-office and bureau may be allowed by the matrix).";
        audit.MapGet("/decisions", ListAsync)
            .WithName("ListAuditDecisions")
            .WithSummary("List decisions for an audit (审计查询)")
            .WithDescription(
                "Every event of every stream with who decided, in which role and organisation, through which client, why, when, and its correlation and causation ids — " +
                $"oldest first, in pages of limit rows (default {DefaultLimit}, at most {MaxLimit}); pass nextCursor as cursor for the next page (null on the last). " + filters)
            .Produces<Page>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        audit.MapGet("/decisions/export", ExportAsync)
            .WithName("ExportAuditDecisions")
            .WithSummary("Export decisions as CSV (审计导出)")
            .WithDescription(
                "Every row the same filters select, oldest first, as CSV (UTF-8 with BOM for Excel; header row = the JSON field names; instants in ISO 8601 UTC). " +
                "A cursor starts after that page; limit is ignored. Text that a spreadsheet would run as a formula (starting with =, +, -, @) is prefixed with a quote. " + filters)
            .Produces(StatusCodes.Status200OK, contentType: CsvType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <response code="200">One page of decisions and the cursor of the next.</response>
    /// <response code="400">An invalid filter, limit or cursor; every offending parameter is listed.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<IResult> ListAsync(
        HttpContext http, IMediator mediator, ProjectionHost host, CancellationToken ct,
        string? actor = null, string? organisation = null, string? role = null, string? eventType = null, string? applicationId = null,
        string? from = null, string? to = null, string? cursor = null, int? limit = null, long? after = null)
    {
        var errors = new FieldErrors();
        if (new Parameters(actor, organisation, role, eventType, applicationId, from, to, cursor, limit).Validate(errors) is not { } query)
        {
            return CaseHttp.ValidationProblem(errors);
        }

        if (await ReadYourWrites.WaitAsync(http, host, host.Find(new AuditTrailProjection().Name)!, after, ct) is { } behind)
        {
            return behind;
        }

        // One row more than asked tells whether another page exists without a second query.
        var rows = await mediator.Send(new Query(query.Filter, query.AfterPosition, query.Limit + 1), ct);
        var items = rows.Take(query.Limit).ToArray();
        return TypedResults.Ok(new Page(items, rows.Count > query.Limit ? Cursor.Encode(items[^1].Position) : null));
    }

    /// <response code="200">The CSV file.</response>
    /// <response code="400">An invalid filter or cursor; every offending parameter is listed.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<IResult> ExportAsync(
        HttpContext http, IMediator mediator, ProjectionHost host, CancellationToken ct,
        string? actor = null, string? organisation = null, string? role = null, string? eventType = null, string? applicationId = null,
        string? from = null, string? to = null, string? cursor = null, long? after = null)
    {
        var errors = new FieldErrors();
        if (new Parameters(actor, organisation, role, eventType, applicationId, from, to, cursor, null).Validate(errors) is not { } query)
        {
            return CaseHttp.ValidationProblem(errors);
        }

        if (await ReadYourWrites.WaitAsync(http, host, host.Find(new AuditTrailProjection().Name)!, after, ct) is { } behind)
        {
            return behind;
        }

        return TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
                await using var csv = new CsvWriter(writer, CsvOptions);
                csv.Context.TypeConverterOptionsCache.GetOptions<DateTimeOffset>().Formats = ["O"];
                csv.WriteHeader<AuditDecision>();
                await csv.NextRecordAsync();
                var position = query.AfterPosition;
                while (true)
                {
                    // Batches by position, so no database reader stays open while a slow client downloads. The projection
                    // commits in log order, so what the batches see is always a gap-free prefix of the log.
                    var batch = await mediator.Send(new Query(query.Filter, position, MaxLimit), ct);
                    foreach (var row in batch)
                    {
                        csv.WriteRecord(row);
                        await csv.NextRecordAsync();
                    }

                    if (batch.Count < MaxLimit)
                    {
                        break;
                    }

                    position = batch[^1].Position;
                    await csv.FlushAsync();
                }
            },
            CsvType,
            "audit-decisions.csv");
    }

    /// <summary>Invariant culture, ISO 8601 instants, and formula-looking text escaped so that opening the file in a spreadsheet runs nothing.</summary>
    public static readonly CsvConfiguration CsvOptions = new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
    };
}
