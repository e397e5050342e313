using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.ClosePublicity;

/// <summary>Close a publicity.</summary>
public static class ClosePublicity
{
    public sealed record Body(string? Note) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Text("note", Note, 2000, required: false);
        }
    }

    public sealed record Command(Guid ApplicationId, PublicityStage Stage, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            var stage = request.Stage;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.ClosePublicity(stage) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/publicities/{stage}/close", (Guid id, PublicityStage stage, Body? body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body ?? new Body(null), (b, h) => new Command(id, stage, b, h), b => b.Note, ct))
            .WithCaseCommand(
                "ClosePublicity",
                "Close a publicity",
                "Records that a publicity ended. Allowed from the day after its last working day. Open objections do not stop the closing, but no stage advances past a publicity with an open objection.")
            .WithRequestExample(new Body("公示期满，无异议"));
    }
}
