using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.People;

namespace TitleEval.Cases.Api.Applications.Revoke;

/// <summary>撤销职称: a title obtained by fraud is revoked and the person is recorded in the integrity database for three years, in one commit [001 七(三)].</summary>
public static class RevokeTitle
{
    public sealed record Body(RevocationGrounds? Grounds, string? DecisionNumber, string? Authority) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Required("grounds", Grounds);
            errors.Text("decisionNumber", DecisionNumber, 100);
            errors.Text("authority", Authority, 200);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken) =>
            executor.ExecuteAsync(request.ApplicationId, request.Headers, (context, ct) => PlanAsync(request.Body, context, ct), cancellationToken);

        private static Task<PlannedChange> PlanAsync(Body b, CaseContext context, CancellationToken cancellationToken)
        {
            var recordId = Guid.NewGuid();
            var change = PlannedChange.From(context.Decide(new ApplicationCommand.RevokeForFraud(b.Grounds!.Value, b.DecisionNumber!, b.Authority!, recordId) { Today = context.Today }));
            change = IntegrityRecords.WithRecord(context, change, recordId, Sanction.TitleRevoked, b.Grounds!.Value.ToString(), b.DecisionNumber!);
            return FilingOutcomes.WithPersonAsync(context, change, cancellationToken, IntegrityRecords.Note(context, recordId, Sanction.TitleRevoked));
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/revocation", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => $"{b.Grounds}: {b.DecisionNumber}", ct))
            .WithCaseCommand(
                "RevokeTitle",
                "Revoke a title for fraud (撤销职称)",
                "Revokes an approved title (false materials, plagiarism or other improper means) with the decision number and authority, and in the same commit " +
                "records an integrity record (title revoked) that blocks the person from filing for three years. A case that was never approved is refused.")
            .WithRequestExample(new Body(RevocationGrounds.FalseMaterials, "呼人社决〔2026〕12号", "呼和浩特市人力资源和社会保障局"));
    }
}
