using MediatR;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Api.Applications.LodgeObjection;

/// <summary>Lodge an objection (投诉举报).</summary>
public static class LodgeObjection
{
    public sealed record Body(Guid? ObjectionId, ObjectionTopic? Topic, string? Summary) : IValidatedBody
    {
        public void Validate(FieldErrors errors)
        {
            errors.Required("topic", Topic);
            errors.Text("summary", Summary, 2000);
            if (ObjectionId == Guid.Empty) { errors.Add("objectionId", "must not be the empty GUID"); }
        }
    }

    public sealed record Command(Guid ApplicationId, Body Body, CommandHeaders Headers) : IRequest<CommandOutcome>;

    public sealed class Handler(CaseCommandExecutor executor) : IRequestHandler<Command, CommandOutcome>
    {
        public Task<CommandOutcome> Handle(Command request, CancellationToken cancellationToken)
        {
            var b = request.Body;
            return executor.DecideAsync(request.ApplicationId, request.Headers, c => new ApplicationCommand.LodgeObjection(b.ObjectionId ?? Guid.NewGuid(), b.Topic!.Value, b.Summary!) { Today = c.Today }, cancellationToken);
        }
    }

    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapPost("/{id:guid}/objections", (Guid id, Body body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                CaseHttp.SendAsync(http, mediator, body, (b, h) => new Command(id, b, h), b => b.Summary, ct))
            .WithCaseCommand(
                "LodgeObjection",
                "Lodge an objection (投诉举报)",
                "Records a complaint received during an open publicity: about review work (the committee office investigates) or about the authenticity of materials (the employer or county bureau investigates) [000 六(二)3]. An objection id may be given by the client so that a retry does not lodge it twice.")
            .WithRequestExample(new Body(Guid.Parse("5d3c7f0e-8a8c-4c55-9f57-1f1a2b3c4d5e"), ObjectionTopic.MaterialAuthenticity, "反映申报人论文存在抄袭"));
    }
}
