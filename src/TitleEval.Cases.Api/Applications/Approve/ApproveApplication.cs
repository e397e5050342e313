using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.People;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Api.Applications.Approve;

/// <summary>核准备案: the HR bureau files the result. Where the plan sets a quota, the approval takes a place in the same commit.</summary>
public static class ApproveApplication
{
    public sealed record Body(string? Authority) : IValidatedBody
    {
        public void Validate(FieldErrors errors) => errors.Text("authority", Authority, 200);
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor, ReferenceData reference) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken) =>
            executor.ExecuteAsync(request.ApplicationId, request.Headers, (context, ct) => PlanAsync(request, context, ct), cancellationToken);

        private async Task<PlannedChange> PlanAsync(Command request, CaseContext context, CancellationToken cancellationToken)
        {
            var filing = context.State.Filing;
            var places = filing is null ? null : reference.FindPlan(filing.PlanId)?.QuotaFor(filing.Series, filing.Level);
            Loaded<int>? quota = null;
            if (places is not null)
            {
                quota = await context.LoadAsync<QuotaPlaces.PlaceTaken, int>(Streams.Quota(filing!.PlanId, filing.Series, filing.Level), events => events.Count(), cancellationToken);
            }

            var decision = context.Decide(new ApplicationCommand.Approve(request.Body.Authority!, places is { } p ? new QuotaUse(p, quota!.State) : null) { Today = context.Today });
            var change = PlannedChange.From(decision);
            if (quota is not null)
            {
                // Expected version on the quota stream: two approvals racing for the last place cannot both commit.
                change.Also(Streams.Quota(filing!.PlanId, filing.Series, filing.Level), quota.Expected, decision.Events.Select(_ => new QuotaPlaces.PlaceTaken(context.ApplicationId, context.Today)));
            }

            return await FilingOutcomes.WithPersonAsync(context, change, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/approval", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => $"核准备案 {b.Authority}", ct))
            .WithCaseCommand(
                "ApproveApplication",
                "Approve and file the result (核准备案)",
                "The HR bureau approves a case that passed the vote, only after the result publicity closed with no open or upheld objection. " +
                "Refused beyond the plan's quota for the series and level [002 五(九)]. Flagged late when more than one month after the review meeting [000 六(二)4].")
            .WithRequestExample(new Body("呼和浩特市人力资源和社会保障局"));
    }
}
