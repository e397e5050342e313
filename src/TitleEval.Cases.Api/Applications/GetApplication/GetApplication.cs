using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.GetApplication;

/// <summary>The current state of one case, folded from its stream (read models come with the projections). ETag = stream version.</summary>
public static class GetApplication
{
    public sealed record PublicityView(PublicityStage Stage, DateOnly Start, DateOnly End, bool Closed);

    public sealed record VoteView(DateOnly MeetingDate, int Members, int Present, int Recused, int Yes, int No, int Abstain, bool Blind, bool Passed);

    /// <summary>Resident ID and phone are masked (<c>150102********123X</c>) [architecture.md §4].</summary>
    public sealed record ApplicationView(
        Guid ApplicationId,
        long Version,
        ApplicationStatus Status,
        ReviewStage Stage,
        string PlanId,
        int PlanYear,
        string Series,
        string Speciality,
        Level Level,
        Channel Channel,
        string CommitteeId,
        string ApplicantName,
        string ResidentIdMasked,
        string PhoneMasked,
        string EmployerName,
        DateOnly SubmittedOn,
        IReadOnlyList<PublicityView> Publicities,
        int OpenObjections,
        DateOnly? CorrectionDeadline,
        VoteView? Vote,
        DateOnly? ApprovedOn,
        string? CertificateNumber,
        IntegrityFlag? IntegrityFlag);

    public sealed record Query(Guid ApplicationId) : IRequest<ApplicationView?>;

    public sealed class Handler(IEventStore store) : IRequestHandler<Query, ApplicationView?>
    {
        public async Task<ApplicationView?> Handle(Query request, CancellationToken cancellationToken)
        {
            var loaded = await CaseCommandExecutor.LoadAsync<ApplicationEvent, ApplicationState>(store, Streams.Application(request.ApplicationId), ApplicationDecider.Fold, cancellationToken);
            if (loaded.State.Filing is not { } f)
            {
                return null;
            }

            var s = loaded.State;
            return new ApplicationView(
                f.ApplicationId, loaded.Version, s.Status, s.Stage, f.PlanId, f.PlanYear, f.Series, f.Speciality, f.Level, f.Channel, f.CommitteeId,
                f.Applicant.Name, ResidentId.Mask(f.Applicant.ResidentId), PhoneNumber.Mask(f.Applicant.Phone), f.Employer.Name, f.SubmittedOn,
                s.Publicities.OrderBy(p => p.Key).Select(p => new PublicityView(p.Key, p.Value.Start, p.Value.End, p.Value.Closed)).ToArray(),
                s.OpenObjections.Count, s.CorrectionDeadline,
                s.Vote is { } v ? new VoteView(v.MeetingDate, v.Members, v.Present, v.Recused, v.Yes, v.No, v.Abstain, v.Blind, v.Passed) : null,
                s.ApprovedOn, s.CertificateNumber, f.IntegrityFlag);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapGet("/{id:guid}", GetAsync)
            .WithName("GetApplication")
            .WithSummary("Read a case's current state")
            .WithDescription("The case folded from its events: status, stage, publicities, vote, approval, certificate. The ETag is the stream version; send it as If-Match with a command to refuse it (412) if the case changed meanwhile. Resident ID and phone are masked.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <response code="200">The case.</response>
    /// <response code="404">No case has this id.</response>
    private static async Task<Results<Ok<ApplicationView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, IMediator mediator, CancellationToken ct)
    {
        var view = await mediator.Send(new Query(id), ct);
        if (view is null)
        {
            return (ProblemHttpResult)CaseHttp.Problem(DomainErrors.ApplicationNotFound());
        }

        CaseHttp.SetETag(http, view.Version);
        return TypedResults.Ok(view);
    }
}
