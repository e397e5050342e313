using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.ReturnForCorrection;

/// <summary>Return for correction (退回补正).</summary>
public static class ReturnForCorrection
{
    public sealed record Body(ReviewStage? Stage, IReadOnlyList<string>? Items, DateOnly? Deadline) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Required("stage", Stage);
            errors.List("items", Items, 50, 500);
            errors.Date("deadline", Deadline);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.ReturnForCorrection(b.Stage!.Value, b.Items!, b.Deadline!.Value) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/returns", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                Identity.StageOwnership.Refuse(http, body?.Stage) is { } refused ? Task.FromResult(refused) : CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => string.Join("；", b.Items!), ct))
            .WithCaseCommand(
                "ReturnForCorrection",
                "Return for correction (退回补正)",
                "Returns the case to the applicant with a one-time notice of ALL items to correct (一次性告知) and a deadline [001 五(二)]. A return with no items is refused. Before the window closes the deadline cannot pass the window's close (nothing is resubmitted after it); the committee office's check sets its own time limit. Past the deadline a background job writes DeemedWithdrawn.")
            .WithRequestExample(new Body(ReviewStage.CommitteeOffice, ["继续教育证明缺2025年度学时", "论文首页扫描件不清晰"], new DateOnly(2026, 7, 20)));
    }
}
