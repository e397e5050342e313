using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.PassStage;

/// <summary>Pass a review stage (审核通过).</summary>
public static class PassReviewStage
{
    public sealed record Body(ReviewStage? Stage, string? Reviewer, string? Opinion) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Required("stage", Stage);
            errors.Text("reviewer", Reviewer, 50);
            errors.Text("opinion", Opinion, 2000);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.PassStage(b.Stage!.Value, b.Reviewer!, b.Opinion!) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/reviews", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                Identity.StageOwnership.Refuse(http, body?.Stage) is { } refused ? Task.FromResult(refused) : CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => b.Opinion, ct))
            .WithCaseCommand(
                "PassReviewStage",
                "Pass a review stage (审核通过)",
                "The employer (初审), competent department (复审), HR bureau or committee office (复核) passes the case at its current stage, with the reviewer's name and opinion — \"谁审核、谁签字、谁负责\" [002 六(一)1]. The employer stage needs its closed in-unit publicity and the bureau stage its closed roster publicity, neither with an open objection. Passing the committee office's check accepts the case for review.")
            .WithRequestExample(new Body(ReviewStage.Employer, "李四", "经单位公示无异议，情况属实，同意推荐。"));
    }
}
