using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.Resubmit;

/// <summary>Resubmit after correction.</summary>
public static class Resubmit
{
    public sealed record Body(string? Changes) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Text("changes", Changes, 4000);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.Resubmit(b.Changes!) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/resubmission", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => b.Changes, ct))
            .WithCaseCommand(
                "Resubmit",
                "Resubmit after correction",
                "The applicant sends the corrected application back, on or before the correction deadline. It returns to the stage that returned it.")
            .WithRequestExample(new Body("补充2025年度继续教育证明，重新扫描论文首页"));
    }
}
