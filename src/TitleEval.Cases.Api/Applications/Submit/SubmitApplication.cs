using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.People;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Api.Applications.Submit;

/// <summary>
/// 申报: the applicant files. One commit writes the case, the person's filing (one live application per level per
/// year, green channel, once-only benefits, integrity records) and the employer's committee choice, so two
/// concurrent filings can never both pass a set-wide rule.
/// </summary>
public static class SubmitApplication
{
    public sealed record ApplicantBody(
        string? Name, string? ResidentId, Gender? Gender, string? Ethnicity, DateOnly? BirthDate, string? Phone, string? Education,
        string? GraduatedFrom, DateOnly? GraduatedOn, string? Major, string? CurrentTitle, DateOnly? CurrentTitleObtainedOn,
        string? CurrentSpeciality, EmploymentStatus? EmploymentStatus);

    /// <summary><c>department</c>: the code of the unit's competent department (主管部门), e.g. its unified social credit code.</summary>
    public sealed record EmployerBody(string? Code, string? Name, AffiliationLevel? Affiliation, string? Region, string? Department);

    public sealed record ExamPassBody(string? CertificateNumber, DateOnly? PassedOn, DateOnly? ValidUntil);

    /// <summary>The application as filed. <c>applicationId</c> may be chosen by the client (a retry then cannot create a second case); otherwise the service assigns one.</summary>
    public sealed record Body(
        Guid? ApplicationId,
        string? PlanId,
        ApplicantBody? Applicant,
        string? Series,
        string? Speciality,
        Level? Level,
        Channel? Channel,
        string? CommitteeId,
        EmployerBody? Employer,
        IReadOnlyList<int>? PreferentialPolicies,
        ContinuingEducation? ContinuingEducation,
        IReadOnlyList<string>? Materials,
        bool? IntegrityPledgeAccepted,
        ExamPassBody? ExamPass) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Text("planId", PlanId, 50);
            errors.Text("series", Series, 50);
            errors.Text("speciality", Speciality, 100);
            errors.Required("level", Level);
            errors.Required("channel", Channel);
            errors.Text("committeeId", CommitteeId, 100);
            errors.Required("continuingEducation", ContinuingEducation);
            errors.List("materials", Materials, 100, 200);
            errors.Required("integrityPledgeAccepted", IntegrityPledgeAccepted);
            if (ApplicationId == Guid.Empty)
            {
                errors.Add("applicationId", "must not be the empty GUID");
            }

            if (PreferentialPolicies is not null)
            {
                for (var i = 0; i < PreferentialPolicies.Count; i++)
                {
                    // [000 附件2] codes 1–10.
                    if (PreferentialPolicies[i] is < 1 or > 10)
                    {
                        errors.Add($"preferentialPolicies[{i}]", "must be a preferential-policy code from 1 to 10");
                    }
                }
            }

            if (errors.Required("applicant", Applicant))
            {
                var a = Applicant!;
                errors.Text("applicant.name", a.Name, 50);
                errors.ResidentId("applicant.residentId", a.ResidentId);
                errors.Required("applicant.gender", a.Gender);
                errors.Text("applicant.ethnicity", a.Ethnicity, 20);
                errors.Date("applicant.birthDate", a.BirthDate);
                errors.Text("applicant.phone", a.Phone, 20);
                if (a.Phone is { } phone && !phone.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' '))
                {
                    errors.Add("applicant.phone", "must contain digits, spaces, '+' or '-' only");
                }

                errors.Text("applicant.education", a.Education, 50);
                errors.Text("applicant.graduatedFrom", a.GraduatedFrom, 100);
                errors.Date("applicant.graduatedOn", a.GraduatedOn);
                errors.Text("applicant.major", a.Major, 100);
                errors.Text("applicant.currentTitle", a.CurrentTitle, 100, required: false);
                errors.Date("applicant.currentTitleObtainedOn", a.CurrentTitleObtainedOn, required: false);
                errors.Text("applicant.currentSpeciality", a.CurrentSpeciality, 100);
                errors.Required("applicant.employmentStatus", a.EmploymentStatus);
            }

            if (errors.Required("employer", Employer))
            {
                errors.Text("employer.code", Employer!.Code, 50);
                errors.Text("employer.name", Employer.Name, 200);
                errors.Required("employer.affiliation", Employer.Affiliation);
                errors.Text("employer.region", Employer.Region, 100);
                errors.Text("employer.department", Employer.Department, 50);
            }

            if (ExamPass is not null)
            {
                errors.Text("examPass.certificateNumber", ExamPass.CertificateNumber, 100);
                errors.Date("examPass.passedOn", ExamPass.PassedOn);
                errors.Date("examPass.validUntil", ExamPass.ValidUntil);
            }
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor, ReferenceData reference, Streams streams) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken) =>
            executor.ExecuteAsync(request.ApplicationId, request.Headers, (context, ct) => PlanAsync(request, context, ct), cancellationToken);

        private async Task<PlannedChange> PlanAsync(Command request, CaseContext context, CancellationToken cancellationToken)
        {
            var b = request.Body;
            if (reference.FindPlan(b.PlanId!) is not { } plan)
            {
                return PlannedChange.Refuse(DomainErrors.UnknownPlan(b.PlanId!));
            }

            var personStream = streams.Person(b.Applicant!.ResidentId!);
            var person = await context.LoadAsync<PersonEvent, PersonState>(personStream, PersonDecider.Fold, cancellationToken);
            var submit = ToDomain(request.ApplicationId, personStream.Id, b, plan, reference.Series.Find(b.Series!)?.ModeFor(b.Level!.Value), PersonDecider.FlagOn(person.State, context.Today)) with { Today = context.Today };

            // The person's rules first: "blocked until …" tells a blacklisted applicant more than "the window is closed".
            var filing = PersonDecider.Decide(
                new PersonCommand.FileApplication(
                    request.ApplicationId, plan.Year, submit.Level, submit.Series, submit.CommitteeId, submit.Channel, submit.PreferentialPolicies,
                    plan.WindowFor(submit.Level)?.Closes ?? DateOnly.MaxValue) { Today = context.Today },
                person.State);
            if (filing.Error is { } personError)
            {
                return PlannedChange.Refuse(personError);
            }

            var application = context.Decide(submit);
            if (application.IsRefused)
            {
                return PlannedChange.From(application);
            }

            var employerStream = Streams.Employer(submit.Employer.Code);
            var employer = await context.LoadAsync<EmployerDecider.CommitteeChosen, EmployerDecider.State>(
                employerStream, events => events.Aggregate(EmployerDecider.State.Initial, EmployerDecider.Evolve), cancellationToken);
            var committee = EmployerDecider.Decide(employer.State, plan.Year, submit.Series, submit.Level, submit.CommitteeId, request.ApplicationId);
            if (committee.Error is { } employerError)
            {
                return PlannedChange.Refuse(employerError);
            }

            return PlannedChange.From(application)
                .Also(personStream, person.Expected, filing.Events)
                .Also(employerStream, employer.Expected, committee.Events);
        }

        private static ApplicationCommand.Submit ToDomain(Guid id, string personKey, Body b, Plan plan, EvaluationMode? mode, IntegrityFlag? flag)
        {
            var a = b.Applicant!;
            return new ApplicationCommand.Submit(
                id,
                personKey,
                new Applicant(a.Name!, a.ResidentId!.ToUpperInvariant(), a.Gender!.Value, a.Ethnicity!, a.BirthDate!.Value, a.Phone!, a.Education!, a.GraduatedFrom!,
                    a.GraduatedOn!.Value, a.Major!, a.CurrentTitle, a.CurrentTitleObtainedOn, a.CurrentSpeciality!, a.EmploymentStatus!.Value),
                b.Series!,
                b.Speciality!,
                b.Level!.Value,
                b.Channel!.Value,
                b.CommitteeId!,
                plan,
                mode,
                new Employer(b.Employer!.Code!, b.Employer.Name!, b.Employer.Affiliation!.Value, b.Employer.Region!, b.Employer.Department!),
                b.PreferentialPolicies ?? [],
                b.ContinuingEducation!.Value,
                b.Materials!,
                b.IntegrityPledgeAccepted!.Value,
                b.ExamPass is { } e ? new ExamPass(e.CertificateNumber!, e.PassedOn!.Value, e.ValidUntil!.Value) : null,
                flag)
            {
                Today = default,
            };
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/", (Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(b.ApplicationId ?? Guid.NewGuid(), b, h), _ => "申报 / application filed", ct))
            .WithCaseCommand(
                "SubmitApplication",
                "File an application (申报)",
                "Creates a case. Refused, with nothing written, when the applicant is out of scope (civil servant, retiree), outside the level's window, " +
                "the series/level is exam-replaces-review or needs a valid exam pass, the person already has a live application at this level this year, " +
                "went to another committee, used the green channel or a once-only benefit, has an active integrity record that blocks filing, " +
                "or the employer sends this series and level to another committee. Answers 201 with Location and ETag.",
                creates: true)
            .WithRequestExample(new Body(
                null,
                "2026-hohhot",
                new ApplicantBody("张三", "11010519491231002X", Gender.Male, "蒙古族", new DateOnly(1985, 3, 12), "13800000000", "大学本科", "内蒙古工业大学",
                    new DateOnly(2007, 7, 1), "土木工程", "工程师", new DateOnly(2018, 12, 1), "结构设计", EmploymentStatus.Employed),
                "Engineering",
                "建筑工程",
                Level.DeputySenior,
                Channel.Review,
                "hohhot-engineering-senior",
                new EmployerBody("91150100MA0N000000", "呼和浩特市某建筑设计院", AffiliationLevel.City, "呼和浩特市", "11150100MB1234567X"),
                [3],
                ContinuingEducation.Completed,
                ["学历证书", "现有职称证书", "继续教育证明", "代表性论文"],
                true,
                null));
    }
}
