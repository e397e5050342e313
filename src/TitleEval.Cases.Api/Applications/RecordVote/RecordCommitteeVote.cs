using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.RecordVote;

/// <summary>Record the committee vote (评审表决).</summary>
public static class RecordCommitteeVote
{
    public sealed record Body(DateOnly? MeetingDate, int? Members, int? Present, int? Recused, int? Yes, int? No, int? Abstain, bool? Blind) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Date("meetingDate", MeetingDate);
            errors.Range("members", Members, 1, 500);
            errors.Range("present", Present, 0, 500);
            errors.Range("recused", Recused, 0, 500);
            errors.Range("yes", Yes, 0, 500);
            errors.Range("no", No, 0, 500);
            errors.Range("abstain", Abstain, 0, 500);
            errors.Required("blind", Blind);
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.RecordVote(b.MeetingDate!.Value, b.Members!.Value, b.Present!.Value, b.Recused!.Value, b.Yes!.Value, b.No!.Value, b.Abstain!.Value, b.Blind!.Value) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/vote", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => $"yes {b.Yes} / no {b.No} / abstain {b.Abstain} of {b.Present} present", ct))
            .WithCaseCommand(
                "RecordCommitteeVote",
                "Record the committee vote (评审表决)",
                "Records the review meeting's counts. The outcome is computed, never asserted: at least 2/3 of the committee present (recused members count neither as members nor as present), and passed when yes votes are at least 2/3 of those present (人社部令第40号). The meeting is in the plan's year (no cross-year review [001 二(一)]).")
            .WithRequestExample(new Body(new DateOnly(2026, 9, 1), 15, 12, 1, 9, 2, 1, true));
    }
}
