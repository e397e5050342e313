using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.People;

namespace TitleEval.Cases.Api.Applications.Disqualify;

/// <summary>取消资格: an upheld objection before approval ends the case; when it found fraud, an integrity record is written in the same commit.</summary>
public static class DisqualifyApplication
{
    public sealed record Body(string? Reason, bool? Fraud) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Text("reason", Reason, 2000);
            errors.Required("fraud", Fraud);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken) =>
            executor.ExecuteAsync(request.ApplicationId, request.Headers, (context, ct) => PlanAsync(request.Body, context, ct), cancellationToken);

        private static Task<PlannedChange> PlanAsync(Body body, CaseContext context, CancellationToken cancellationToken)
        {
            var fraud = body.Fraud!.Value;
            var recordId = Guid.NewGuid();
            var change = PlannedChange.From(context.Decide(new ApplicationCommand.Disqualify(body.Reason!, fraud, fraud ? recordId : null) { Today = context.Today }));
            if (!fraud)
            {
                return FilingOutcomes.WithPersonAsync(context, change, cancellationToken);
            }

            // [000 七(一)4] fraud found in an objection costs promotion eligibility for the record period.
            change = IntegrityRecords.WithRecord(context, change, recordId, Sanction.PromotionEligibilityCancelled, body.Reason!, $"disqualification of application {context.ApplicationId}");
            return FilingOutcomes.WithPersonAsync(context, change, cancellationToken, IntegrityRecords.Note(context, recordId, Sanction.PromotionEligibilityCancelled));
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/disqualification", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => b.Reason, ct))
            .WithCaseCommand(
                "DisqualifyApplication",
                "Disqualify after an upheld objection (取消资格)",
                "Ends a case accepted or passed by the committee, before approval, when an objection was upheld. With fraud=true it also records an integrity " +
                "record (promotion eligibility cancelled, three years) for the applicant in the same commit.")
            .WithRequestExample(new Body("经查实申报业绩材料造假", true));
    }
}
