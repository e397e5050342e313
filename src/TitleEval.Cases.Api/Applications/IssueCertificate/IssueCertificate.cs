using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.IssueCertificate;

/// <summary>电子证书: the certificate of an approved title, numbered so that anyone can verify it online.</summary>
public static class IssueCertificate
{
    public sealed record Body(string? Note) : IValidatedBody
    {
        public void Validate(FieldErrors errors) => errors.Text("note", Note, 2000, required: false);
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken) =>
            executor.DecideAsync(
                request.ApplicationId,
                request.Headers,
                c => new ApplicationCommand.IssueCertificate(NumberFor(c)) { Today = c.Today },
                cancellationToken);

        /// <summary>
        /// ZC{plan year}-{12 hex digits of the case id}: derived from the case, so a retry gets the same number, and with
        /// 48 bits a collision among a province's cases is practically impossible.
        /// </summary>
        public static string NumberFor(CaseContext context) =>
            $"ZC{context.State.Filing?.PlanYear ?? context.Today.Year}-{context.ApplicationId.ToString("N")[..12].ToUpperInvariant()}";
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/certificate", (Guid id, Body? body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body ?? new Body(null), (b, h) => new Command(id, b, h), b => b.Note, ct))
            .WithCaseCommand(
                "IssueCertificate",
                "Issue the electronic certificate (电子证书)",
                "Issues the certificate of an approved title. Its number is ZC{plan year}-{first 12 hex digits of the application id}.")
            .WithRequestExample(new Body(null));
    }
}
