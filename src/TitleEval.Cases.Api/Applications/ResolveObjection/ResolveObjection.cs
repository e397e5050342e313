using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.ResolveObjection;

/// <summary>Resolve an objection.</summary>
public static class ResolveObjection
{
    public sealed record Body(ObjectionOutcome? Outcome, string? Findings) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Required("outcome", Outcome);
            errors.Text("findings", Findings, 4000);
        }
    }

    public sealed record Command(Guid ApplicationId, Guid ObjectionId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            var objectionId = request.ObjectionId;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.ResolveObjection(objectionId, b.Outcome!.Value, b.Findings!) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/objections/{objectionId:guid}/resolution", (Guid id, Guid objectionId, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, objectionId, b, h), b => b.Findings, ct))
            .WithCaseCommand(
                "ResolveObjection",
                "Resolve an objection",
                "Records the finding on an open objection: upheld or dismissed, with the findings. An upheld objection before approval leads to disqualification; approval is refused while any objection is open.")
            .WithRequestExample(new Body(ObjectionOutcome.Dismissed, "经核查，论文为申报人独立完成，反映问题不属实。"));
    }
}
