using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.History;

/// <summary>The timeline of one case from the case-history read model; with <c>?after=</c> it first waits for the caller's own write.</summary>
public static class GetCaseHistory
{
    public sealed record Entry(
        long Version, long GlobalPosition, string EventType, DateTimeOffset RecordedAt, DateTimeOffset? OccurredAt,
        string? ActorId, string? ActorRole, string? ActorOrganisation, string? Reason, string? ClientId, string? CorrelationId, JsonObject Details);

    public sealed record CaseHistory(Guid ApplicationId, IReadOnlyList<Entry> Entries);

    public sealed record Query(Guid ApplicationId) : IRequest<CaseHistory?>;

    public sealed class Handler(IEventStore store, ProjectionHost host) : IRequestHandler<Query, CaseHistory?>
    {
        public async Task<CaseHistory?> Handle(Query request, CancellationToken cancellationToken)
        {
            var tables = await host.ActiveTablesAsync(host.Find(new CaseHistoryProjection().Name)!, cancellationToken);
            var sql = $"""
                SELECT version, global_position, event_type, recorded_at, occurred_at, actor_id, actor_role, actor_organisation, reason, client_id, correlation_id, details
                FROM {tables[CaseHistoryProjection.Table]} WHERE application_id = @id ORDER BY version
                """;
            var entries = await store.QueryReadModelAsync(sql, [("@id", request.ApplicationId.ToString("D"))], ReadEntriesAsync, cancellationToken);
            return entries.Count == 0 ? null : new CaseHistory(request.ApplicationId, entries);
        }

        private static async Task<List<Entry>> ReadEntriesAsync(DbDataReader reader, CancellationToken cancellationToken)
        {
            var entries = new List<Entry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                entries.Add(new Entry(
                    Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                    Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                    reader.GetString(2),
                    DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
                    Text(4) is { } occurred ? DateTimeOffset.Parse(occurred, CultureInfo.InvariantCulture) : null,
                    Text(5), Text(6), Text(7), Text(8), Text(9), Text(10),
                    JsonNode.Parse(reader.GetString(11))!.AsObject()));
            }

            return entries;
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapGet("/{id:guid}/history", GetAsync)
            .WithName("GetCaseHistory")
            .WithSummary("Read a case's history (案件历史)")
            .WithDescription(
                "Every event of the case in order, with actor, role, organisation, reason, client, correlation id and time, from the case-history read model. " +
                "Pass after=<position> (the `position` a command answered) to read your own write: the query waits up to Projections:ReadYourWritesTimeout " +
                "(2 s by default) for the read model to reach it, else answers 503 with Retry-After. Resident ID and phone are masked.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <response code="200">The case's events, oldest first.</response>
    /// <response code="404">No case has this id (or the read model has not seen it yet: pass after=).</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<Results<Ok<CaseHistory>, ProblemHttpResult>> GetAsync(
        Guid id, long? after, HttpContext http, IMediator mediator, ProjectionHost host, CancellationToken ct)
    {
        if (await ReadYourWrites.WaitAsync(http, host, host.Find(new CaseHistoryProjection().Name)!, after, ct) is { } behind)
        {
            return behind;
        }

        var history = await mediator.Send(new Query(id), ct);
        return history is null ? (ProblemHttpResult)Applications.Common.CaseHttp.Problem(DomainErrors.ApplicationNotFound()) : TypedResults.Ok(history);
    }
}

/// <summary><c>?after=&lt;position&gt;</c>: a query first waits, bounded, until its projection has applied the caller's write.</summary>
public static class ReadYourWrites
{
    public static async Task<ProblemHttpResult?> WaitAsync(HttpContext http, ProjectionHost host, IProjection projection, long? after, CancellationToken cancellationToken)
    {
        if (after is not { } position || await host.WaitForAsync(projection, position, cancellationToken))
        {
            return null;
        }

        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.ProjectionBehind,
            Title = "The read model has not caught up yet",
            Detail = $"查询数据尚未更新到位置 {position}，请稍后重试。 / The {projection.Name} read model has not reached position {position} yet; retry after the Retry-After seconds.",
            Extensions = { ["projection"] = projection.Name, ["after"] = position },
        });
    }
}
