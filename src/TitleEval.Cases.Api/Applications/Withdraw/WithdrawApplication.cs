using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.Withdraw;

/// <summary>Withdraw the application (撤回).</summary>
public static class WithdrawApplication
{
    public sealed record Body(string? Reason) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Text("reason", Reason, 2000);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.Withdraw(b.Reason!) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/withdrawal", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => b.Reason, ct))
            .WithCaseCommand(
                "WithdrawApplication",
                "Withdraw the application (撤回)",
                "The applicant withdraws, at any time before the committee votes. Frees the person's slot for the level and year (a new filing must still be inside the window and go to the same committee).")
            .WithRequestExample(new Body("个人原因，自愿撤回"));
    }
}
