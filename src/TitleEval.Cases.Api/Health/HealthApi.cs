using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using TitleEval.Cases.Api.Http;

namespace TitleEval.Cases.Api.Health;

public static class HealthApi
{
    /// <summary>Maps <c>GET /health/live</c> and <c>GET /health/ready</c>, in every environment.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health")
            .WithTags("Health")
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        health.MapGet("/live", GetLiveness)
            .WithName("GetLiveness")
            .WithSummary("Liveness: the process runs")
            .WithDescription("Answers 200 whenever the process is running and serving HTTP. It checks no dependency: restart the service only when this fails.");

        health.MapGet("/ready", GetReadinessAsync)
            .WithName("GetReadiness")
            .WithSummary("Readiness: the event store answers")
            .WithDescription(
                "Answers 200 with the engine and the global position of the last stored event when the event store is initialized " +
                "and answers within 2 seconds; 503 otherwise (send no traffic to this instance until it is ready again).");

        return app;
    }

    /// <response code="200">The process is running.</response>
    private static Ok<LivenessReport> GetLiveness() => TypedResults.Ok(new LivenessReport { Status = LivenessReport.Live });

    /// <response code="200">The event store answers; the body gives the engine and the head position.</response>
    /// <response code="503">The event store is not initialized, does not answer, or answers too slowly.</response>
    private static async Task<Results<Ok<ReadinessReport>, ServiceUnavailable<ReadinessReport>>> GetReadinessAsync(
        IMediator mediator,
        CancellationToken cancellationToken)
    {
        var report = await mediator.Send(new CheckReadiness.Query(), cancellationToken);
        return report.IsReady ? TypedResults.Ok(report) : new ServiceUnavailable<ReadinessReport>(report);
    }
}
