using TitleEval.Cases.Api.Applications.Common;

namespace TitleEval.Cases.Api.Applications.Common;

public static class CaseEndpointConventions
{
    /// <summary>Names, documents and lists every response a case command can give, so the OpenAPI document shows them all.</summary>
    public static RouteHandlerBuilder WithCaseCommand(this RouteHandlerBuilder builder, string name, string summary, string description, bool creates = false)
    {
        builder.WithName(name)
            .WithSummary(summary)
            .WithDescription(
                description +
                " The caller (who decides, in which role and organisation) is the bearer token's subject; api-docs/roles.md lists who may call it. Headers: " +
                "optional X-Correlation-Id, If-Match (an ETag; 412 when the case changed), " +
                "Idempotency-Key (a retry with the same key and body replays the first answer; another body gets 422).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return creates
            ? builder.Produces<CaseCommandResult>(StatusCodes.Status201Created)
            : builder.Produces<CaseCommandResult>(StatusCodes.Status200OK);
    }
}
