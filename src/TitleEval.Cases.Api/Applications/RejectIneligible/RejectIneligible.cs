using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.RejectIneligible;

/// <summary>Reject as ineligible (不予受理).</summary>
public static class RejectIneligible
{
    public sealed record Body(ReviewStage? Stage, string? Reason) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Required("stage", Stage);
            errors.Text("reason", Reason, 2000);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.RejectIneligible(b.Stage!.Value, b.Reason!) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/rejection", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                Identity.StageOwnership.Refuse(http, body?.Stage) is { } refused ? Task.FromResult(refused) : CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => b.Reason, ct))
            .WithCaseCommand(
                "RejectIneligible",
                "Reject as ineligible (不予受理)",
                "Ends the case at its current review stage: out of the committee's scope, wrong committee, or not qualified; the materials go back through the original channel [001 五(三)]. Frees the person's slot for the level and year.")
            .WithRequestExample(new Body(ReviewStage.CommitteeOffice, "超出本评委会受理范围，按原渠道退回"));
    }
}
