using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.People;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Integrity;

/// <summary>
/// 记入诚信档案库: the HR bureau records misconduct of an applicant, expert, staff member, employer or committee-forming body
/// that no case command wrote [000 七(一)4]. A person's record is also noted on their person stream in the same commit, so
/// rule 13 stops them filing while it is active.
/// </summary>
public static class RecordIntegrity
{
    public sealed record Body(
        string? SubjectKind, string? ResidentId, string? PersonKey, string? OrganisationCode, string? SubjectName, string? Misconduct, Sanction? Sanction,
        string? DecisionReference, DateOnly? RecordedOn, Guid? ApplicationId) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            if (errors.Required("subjectKind", SubjectKind) && !IntegritySubjects.PersonKinds.Contains(SubjectKind!) && !IntegritySubjects.UnitKinds.Contains(SubjectKind!))
            {
                errors.Add("subjectKind", $"must be one of {string.Join(", ", IntegritySubjects.PersonKinds.Concat(IntegritySubjects.UnitKinds))}");
            }
            else if (SubjectKind is not null && IntegritySubjects.PersonKinds.Contains(SubjectKind))
            {
                if ((ResidentId is null) == (PersonKey is null))
                {
                    errors.Add("residentId", "give exactly one of residentId and personKey for a person");
                }
                else if (ResidentId is not null)
                {
                    errors.ResidentId("residentId", ResidentId);
                }
                else
                {
                    IntegritySubjects.ValidatePersonKey(errors, "personKey", PersonKey);
                }

                if (OrganisationCode is not null)
                {
                    errors.Add("organisationCode", "is for units; a person is identified by residentId or personKey");
                }
            }
            else if (SubjectKind is not null)
            {
                IntegritySubjects.ValidateOrganisationCode(errors, "organisationCode", OrganisationCode);
                if (ResidentId is not null || PersonKey is not null)
                {
                    errors.Add("residentId", "is for persons; a unit is identified by organisationCode");
                }
            }

            errors.Text("subjectName", SubjectName, 200);
            errors.Text("misconduct", Misconduct, 1000);
            errors.Required("sanction", Sanction);
            errors.Text("decisionReference", DecisionReference, 100);
            errors.Date("recordedOn", RecordedOn, required: false);
        }
    }

    public sealed record Result(Guid RecordId, string SubjectKind, string SubjectKey, DateOnly RecordedOn, DateOnly ExpiresOn, long Position);

    /// <summary>The result, or an earlier answer under the same Idempotency-Key.</summary>
    public sealed record Outcome(Result? Result, Idempotency.Earlier<Result>? Earlier);

    public sealed record Command(Body Body, CommandHeaders Headers, DateOnly RecordedOn) : IRequest<Outcome>;

    public sealed class Handler(IEventStore store, Streams streams, PersonKeys personKeys, TimeProvider time) : IRequestHandler<Command, Outcome>
    {
        public async Task<Outcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            var recordId = Guid.NewGuid();
            var subjectKey = b.ResidentId is { } residentId ? personKeys.KeyOf(residentId) : b.PersonKey ?? b.OrganisationCode!.Trim();
            var recorded = new IntegrityEvent.Recorded(
                recordId, b.SubjectKind!, subjectKey, b.SubjectName!.Trim(), b.Misconduct!.Trim(), b.Sanction!.Value, b.DecisionReference!.Trim(), b.ApplicationId,
                request.RecordedOn, IntegrityEvent.ExpiryFor(request.RecordedOn));
            var actor = request.Headers.Actor;
            var metadata = new EventMetadata(
                actor.Id, actor.Role, actor.Organisation, request.Headers.Reason, request.Headers.CorrelationId, request.Headers.CorrelationId, actor.ClientId, time.GetUtcNow());
            var integrity = new StreamAppend(Streams.Integrity(recordId), ExpectedVersion.NoStream, [EventSerialization.ToEventData(recorded, metadata)]);

            for (var attempt = 1; ; attempt++)
            {
                if (await Idempotency.LookUpAsync<Result>(store, request.Headers, cancellationToken) is { } earlier)
                {
                    return new Outcome(null, earlier);
                }

                var appends = new List<StreamAppend> { integrity };
                if (IntegritySubjects.PersonKinds.Contains(recorded.SubjectKind))
                {
                    // Rule 13 reads the person stream: the note goes there in the same commit as the record.
                    var person = b.ResidentId is { } id ? streams.Person(id) : Streams.PersonByKey(subjectKey);
                    var loaded = await CaseCommandExecutor.LoadAsync<PersonEvent, PersonState>(store, person, PersonDecider.Fold, cancellationToken);
                    var decision = PersonDecider.Decide(
                        new PersonCommand.NoteIntegrityRecord(recordId, recorded.Sanction, recorded.RecordedOn, recorded.ExpiresOn) { Today = recorded.RecordedOn }, loaded.State);
                    appends.Add(new StreamAppend(person, loaded.Expected, decision.Events.Select(e => EventSerialization.ToEventData(e, metadata)).ToArray()));
                }

                try
                {
                    Result ResultOf(AppendResult appended) => new(recordId, recorded.SubjectKind, subjectKey, recorded.RecordedOn, recorded.ExpiresOn, appended.LastGlobalPosition);
                    var appended = Idempotency.Record(request.Headers, ResultOf) is { } idempotency
                        ? await store.AppendAsync(appends, idempotency, cancellationToken)
                        : await store.AppendAsync(appends, cancellationToken);
                    return new Outcome(ResultOf(appended), null);
                }
                catch (WrongExpectedVersionException conflict) when (attempt < CaseCommandExecutor.MaxAttempts && conflict.Stream.Category == "person")
                {
                    // The person filed or was recorded meanwhile: read their stream again and note the record after that.
                }
                catch (IdempotencyKeyTakenException) when (attempt < CaseCommandExecutor.MaxAttempts)
                {
                    // A concurrent request with the same key committed first: the next round replays or refuses it.
                }
            }
        }
    }

    public static void Map(RouteGroupBuilder records)
    {
        records.MapPost("/", PostAsync)
            .WithName("RecordIntegrity")
            .WithSummary("Record misconduct in the integrity database (记入诚信档案库)")
            .WithDescription(
                "The HR bureau records misconduct of an applicant, expert, staff member (a person: residentId or personKey), an employer or a committee-forming body " +
                "(organisationCode), with the sanction and the decision reference. The record is active for three years from recordedOn (default today). " +
                "A person's resident ID is never stored: the record carries the keyed HMAC person key, and a note on the person's stream in the same commit " +
                "stops them filing while a title-revoked or promotion-eligibility-cancelled record is active. " +
                "The recording bureau is the bearer token's caller. Answers 201 with Location and `position` (for after=). " +
                "Optional Idempotency-Key: a retry with the same key and body answers the first 201 again (same record) with `Idempotent-Replayed: true` and records nothing; " +
                "the same key with another body gets 422 idempotency-key-reused.")
            .Produces<Result>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithRequestExample(new Body(
                IntegritySubjects.Expert, "150102197511200040", null, null, "李评", "评审中收受申报人财物", Sanction.Other, "呼人社决〔2026〕31号", new DateOnly(2026, 6, 15), null));
    }

    /// <response code="201">Recorded; Location names the record and `position` lets a query read it with after=.</response>
    /// <response code="400">Some fields or actor headers are invalid; nothing was written.</response>
    /// <response code="422">The Idempotency-Key was first used with another request; nothing was written.</response>
    private static async Task<IResult> PostAsync(Body? body, HttpContext http, IMediator mediator, CaseCommandExecutor executor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var headers = CaseHttp.ReadHeaders(http, body, errors);
        if (body is null)
        {
            errors.Add("body", "is required");
        }
        else
        {
            body.Validate(errors);
        }

        var today = executor.Today;
        if (body?.RecordedOn > today)
        {
            errors.Add("recordedOn", "cannot be after today: a record starts on the day its decision was made");
        }

        if (errors.Any || headers is null)
        {
            return CaseHttp.ValidationProblem(errors);
        }

        var outcome = await mediator.Send(new Command(body!, headers with { Reason = body!.DecisionReference }, body.RecordedOn ?? today), ct);
        switch (outcome.Earlier)
        {
            case Idempotency.Earlier<Result>.KeyReused reused:
                return Idempotency.KeyReusedProblem(reused.Key);
            case Idempotency.Earlier<Result>.Replay replay:
                http.Response.Headers[CaseHttp.ReplayedHeader] = "true";
                return TypedResults.Created($"/api/v1/integrity-records/{replay.Response.RecordId}", replay.Response);
            default:
                return TypedResults.Created($"/api/v1/integrity-records/{outcome.Result!.RecordId}", outcome.Result);
        }
    }
}
