using TitleEval.Cases.Api.Logging;

namespace TitleEval.Cases.Api.Errors;

public static class ProblemDetailsRegistration
{
    /// <summary>
    /// Every error answers RFC 9457 problem details (<c>application/problem+json</c>) with <c>type</c>, <c>title</c>,
    /// <c>status</c>, <c>detail</c>, <c>instance</c> and <c>traceId</c>; event-store errors are mapped by
    /// <see cref="EventStoreExceptionHandler"/>.
    /// </summary>
    public static WebApplicationBuilder AddProblemResponses(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Complete);
        builder.Services.AddExceptionHandler<EventStoreExceptionHandler>();
        return builder;
    }

    /// <summary>Unhandled exceptions become 500 problems; bodiless 4xx/5xx answers (unknown route, wrong method) become problems too.</summary>
    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var statusCode = problem.Status ?? context.HttpContext.Response.StatusCode;
        var (type, detail) = ProblemTypes.ForStatus(statusCode);

        if (!ProblemTypes.IsStable(problem.Type))
        {
            problem.Type = type;
        }

        if (statusCode == StatusCodes.Status500InternalServerError)
        {
            // Whatever went wrong, a 500 never tells the caller more than this: no exception message, no stack trace.
            problem.Title = "An unexpected error occurred";
            problem.Detail = detail;
            problem.Extensions.Remove("exception");
            problem.Extensions.Remove("errors");
        }

        problem.Detail ??= detail;
        problem.Instance ??= context.HttpContext.Request.PathBase.Add(context.HttpContext.Request.Path).Value;
        problem.Extensions["traceId"] = TraceIds.Of(context.HttpContext);
    }
}
