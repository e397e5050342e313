using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Api.Applications.OpenPublicity;

/// <summary>Open a publicity (公示).</summary>
public static class OpenPublicity
{
    public sealed record Body(PublicityStage? Stage, DateOnly? Start, int? WorkingDays, string? PostedAt) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Required("stage", Stage);
            errors.Date("start", Start);
            errors.Range("workingDays", WorkingDays, 1, 60);
            errors.Text("postedAt", PostedAt, 200);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor, WorkingDayCalendar calendar) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.OpenPublicity(b.Stage!.Value, b.Start!.Value, b.WorkingDays!.Value, b.PostedAt!, calendar) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/publicities", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => $"{b.Stage} publicity at {b.PostedAt}", ct))
            .WithCaseCommand(
                "OpenPublicity",
                "Open a publicity (公示)",
                "Posts the case publicly: the employer's in-unit publicity, the bureau's roster publicity or the result publicity. It lasts at least 5 working days; the end date is computed from the working-day calendar (statutory holidays and make-up working days), counting the start day when it is a working day. A date in a year with no calendar loaded is refused.")
            .WithRequestExample(new Body(PublicityStage.Employer, new DateOnly(2026, 6, 15), 5, "单位公示栏及内网"));
    }
}
