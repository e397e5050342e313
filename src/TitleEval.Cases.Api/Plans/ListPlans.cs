using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Api.Plans;

/// <summary>The annual plans loaded from reference data: which plan id to file under, and each level's window.</summary>
public static class ListPlans
{
    public sealed record WindowView(Level Level, DateOnly Opens, DateOnly Closes);

    public sealed record QuotaView(string Series, Level Level, int Places);

    public sealed record PlanView(
        string Id, int Year, string Region, string Name, string Source, bool GreenChannel,
        IReadOnlyList<WindowView> Windows, DateOnly? QualificationCutOff, DateOnly? ReviewDeadline, IReadOnlyList<QuotaView> Quotas);

    public sealed record Query : IRequest<IReadOnlyList<PlanView>>;

    public sealed class Handler(ReferenceData reference) : IRequestHandler<Query, IReadOnlyList<PlanView>>
    {
        public Task<IReadOnlyList<PlanView>> Handle(Query request, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PlanView>>(reference.Plans
                .OrderByDescending(p => p.Year).ThenBy(p => p.Id, StringComparer.Ordinal)
                .Select(p => new PlanView(
                    p.Id, p.Year, p.Region, p.Name, p.Source, p.GreenChannel,
                    p.Windows.Select(w => new WindowView(w.Level, w.Opens, w.Closes)).ToArray(),
                    p.QualificationCutOff, p.ReviewDeadline,
                    p.Quotas.Select(q => new QuotaView(q.Series, q.Level, q.Places)).ToArray()))
                .ToArray());
    }

    public static IEndpointRouteBuilder MapPlansApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/plans", ListAsync)
            .WithTags("Plans")
            .WithName("ListPlans")
            .WithSummary("List the annual plans (年度计划)")
            .WithDescription("The plans loaded from reference data (reference-data/plans/*.json): the id to file under, the region, per-level application windows (both ends inclusive), the qualification cut-off, the review deadline and quotas, each citing the notice it comes from.");
        return app;
    }

    /// <response code="200">The plans, newest year first.</response>
    private static async Task<Ok<IReadOnlyList<PlanView>>> ListAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new Query(), cancellationToken));
}
