using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.Privacy;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.Unmask;

/// <summary>
/// 查看完整信息: the one way to read an applicant's full resident ID or phone. Every answer is preceded by a
/// <see cref="PersonalDataDisclosed"/> event (who, which field, which case, why) in the case's disclosure stream, which
/// the inspectors' audit trail lists; if that event cannot be stored, the value is not shown.
/// </summary>
public static class UnmaskPersonalData
{
    public sealed record Body(PersonalDataField? Field, string? Reason) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Required("field", Field);
            // A blank reason is the domain's refusal (disclosure-reason-required), not a malformed request.
            errors.Text("reason", Reason, 2000, required: false);
        }
    }

    /// <summary>The full value, and the global position of the disclosure event (pass it as <c>after=</c> to the audit query).</summary>
    public sealed record Disclosure(Guid ApplicationId, PersonalDataField Field, string Value, long Position);

    public abstract record Outcome
    {
        private Outcome()
        {
        }

        public sealed record Shown(Disclosure Disclosure) : Outcome;

        public sealed record Refused(DomainError Error) : Outcome;
    }

    public sealed record Command(Guid ApplicationId, PersonalDataField Field, string Reason, CommandHeaders Headers) : IRequest<Outcome>;

    public sealed class Handler(IEventStore store, CaseCommandExecutor executor, TimeProvider time) : IRequestHandler<Command, Outcome>
    {
        public async Task<Outcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var loaded = await CaseCommandExecutor.LoadAsync<ApplicationEvent, ApplicationState>(
                store, Streams.Application(request.ApplicationId), ApplicationDecider.Fold, cancellationToken);
            var decision = DisclosureDecider.Decide(new DisclosePersonalData(request.ApplicationId, request.Field, request.Reason, executor.Today), loaded.State);
            if (decision.Error is { } error)
            {
                return new Outcome.Refused(error);
            }

            var disclosed = decision.Events[0];
            var h = request.Headers;
            var metadata = new EventMetadata(
                h.Actor.Id, h.Actor.Role, h.Actor.Organisation, disclosed.Reason, h.CorrelationId, h.CorrelationId, h.Actor.ClientId, time.GetUtcNow());

            // Any version: disclosures never conflict with each other; several people may look at once.
            var appended = await store.AppendAsync(
                Streams.Disclosure(request.ApplicationId), ExpectedVersion.Any, [EventSerialization.ToEventData(disclosed, metadata)], cancellationToken);
            return new Outcome.Shown(new Disclosure(
                request.ApplicationId, disclosed.Field, DisclosureDecider.ValueOf(disclosed.Field, loaded.State.Filing!), appended.LastGlobalPosition));
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/unmask", UnmaskAsync)
            .WithName("UnmaskPersonalData")
            .WithSummary("Show an applicant's full resident ID or phone (查看完整信息), recorded")
            .WithDescription(
                "Every other response masks the resident ID (150102********123X) and the phone (138****0000). This request returns the full value of one field " +
                "and first records a personal-data-disclosed.v1 event (actor, role, organisation, field, case, reason) in the case's disclosure stream " +
                "`disclosure-{id}`, which the inspectors' audit trail lists; the case's own version does not move. The reason is required. " +
                "Roles: applicant (own case), employer (own applicants), bureau, committee-office. The answer is not cached (Cache-Control: no-store). " +
                "Who unmasks is the bearer token's caller; optional header X-Correlation-Id.")
            .Produces<Disclosure>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithRequestExample(new Body(PersonalDataField.ResidentId, "电话核实申报人身份 / verifying the applicant's identity by phone"));
    }

    /// <response code="200">The full value; a disclosure event was recorded first.</response>
    /// <response code="400">An unknown field, a reason over 2,000 characters or missing actor headers.</response>
    /// <response code="404">No case has this id.</response>
    /// <response code="422">No reason given (disclosure-reason-required); nothing was shown or recorded.</response>
    private static async Task<Results<Ok<Disclosure>, ProblemHttpResult>> UnmaskAsync(Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var headers = CaseHttp.ReadHeaders(http, body, errors);
        body?.Validate(errors);
        if (body is null)
        {
            errors.Add("body", "is required");
        }

        if (errors.Any || headers is null)
        {
            return (ProblemHttpResult)CaseHttp.ValidationProblem(errors);
        }

        var outcome = await mediator.Send(new Command(id, body!.Field!.Value, body.Reason ?? string.Empty, headers), ct);
        http.Response.Headers.CacheControl = "no-store";
        return outcome switch
        {
            Outcome.Shown shown => TypedResults.Ok(shown.Disclosure),
            Outcome.Refused refused => (ProblemHttpResult)CaseHttp.Problem(refused.Error),
            _ => throw new InvalidOperationException($"Unknown outcome {outcome.GetType().Name}"),
        };
    }
}
