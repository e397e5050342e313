using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.ReviewView;

/// <summary>
/// 匿名评审: what an expert sees of a case — the qualifications a vote weighs and nothing that names the applicant
/// [domain.md §1: "in blind review sees no identity"]. Built by listing what may be shown (never by removing fields
/// from the full view), so a field added to the filing stays hidden until someone decides an expert needs it.
/// </summary>
public static class GetReviewView
{
    /// <summary>The exam pass without its certificate number (a number leads to a person).</summary>
    public sealed record ExamPassView(DateOnly PassedOn, DateOnly ValidUntil);

    /// <summary>An integrity record every reviewer must see [domain.md §4 rule 13], without the record id (the record names its subject).</summary>
    public sealed record IntegrityFlagView(string Sanction, DateOnly ExpiresOn);

    /// <summary>
    /// No name, resident ID, gender, ethnicity, birth date, phone, school, employer (name, code, region) or reviewer
    /// names and opinions. <see cref="Speciality"/> and <see cref="Materials"/> are free text typed by the applicant:
    /// the service cannot tell whether someone wrote their name into them (see api-docs/privacy.md).
    /// </summary>
    public sealed record ReviewView(
        Guid ApplicationId,
        int PlanYear,
        string Series,
        string Speciality,
        Level Level,
        Channel Channel,
        string CommitteeId,
        ApplicationStatus Status,
        AffiliationLevel EmployerAffiliation,
        string Education,
        string Major,
        int GraduatedYear,
        string? CurrentTitle,
        DateOnly? CurrentTitleObtainedOn,
        string CurrentSpeciality,
        IReadOnlyList<int> PreferentialPolicies,
        ContinuingEducation ContinuingEducation,
        IReadOnlyList<string> Materials,
        ExamPassView? ExamPass,
        IntegrityFlagView? IntegrityFlag);

    public sealed record Query(Guid ApplicationId) : IRequest<ReviewView?>;

    public sealed class Handler(IEventStore store) : IRequestHandler<Query, ReviewView?>
    {
        public async Task<ReviewView?> Handle(Query request, CancellationToken cancellationToken)
        {
            var loaded = await CaseCommandExecutor.LoadAsync<ApplicationEvent, ApplicationState>(store, Streams.Application(request.ApplicationId), ApplicationDecider.Fold, cancellationToken);
            return loaded.State.Filing is { } f ? Of(f, loaded.State.Status) : null;
        }
    }

    public static ReviewView Of(ApplicationEvent.Submitted f, ApplicationStatus status)
    {
        var a = f.Applicant;
        return new ReviewView(
            f.ApplicationId, f.PlanYear, f.Series, f.Speciality, f.Level, f.Channel, f.CommitteeId, status, f.Employer.Affiliation,
            a.Education, a.Major, a.GraduatedOn.Year, a.CurrentTitle, a.CurrentTitleObtainedOn, a.CurrentSpeciality,
            f.PreferentialPolicies, f.ContinuingEducation, f.Materials,
            f.ExamPass is { } e ? new ExamPassView(e.PassedOn, e.ValidUntil) : null,
            f.IntegrityFlag is { } flag ? new IntegrityFlagView(flag.Sanction, flag.ExpiresOn) : null);
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapGet("/{id:guid}/review-view", GetAsync)
            .WithName("GetReviewView")
            .WithSummary("Read a case for blind review (匿名评审视图)")
            .WithDescription(
                "What an expert needs to vote — series, speciality, level, channel, education, major, graduation year, current title, preferential policies, " +
                "continuing education, materials list, exam-pass dates, integrity flag — and nothing that identifies the applicant: no name, resident ID, " +
                "gender, ethnicity, birth date, phone, school, employer name/code/region, reviewer names or opinions. Speciality and materials are the applicant's " +
                "free text and are shown as filed. Roles: expert (cases of meetings they sit on), committee-office.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <response code="200">The anonymised case.</response>
    /// <response code="404">No case has this id.</response>
    private static async Task<Results<Ok<ReviewView>, ProblemHttpResult>> GetAsync(Guid id, IMediator mediator, CancellationToken ct)
    {
        var view = await mediator.Send(new Query(id), ct);
        return view is null ? (ProblemHttpResult)CaseHttp.Problem(DomainErrors.ApplicationNotFound()) : TypedResults.Ok(view);
    }
}
