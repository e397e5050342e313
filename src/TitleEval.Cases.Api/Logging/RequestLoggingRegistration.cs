namespace TitleEval.Cases.Api.Logging;

public static class RequestLoggingRegistration
{
    /// <summary>Adds <see cref="RequestLoggingMiddleware"/>; call it first so that it sees the final status of every request.</summary>
    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        app.UseMiddleware<RequestLoggingMiddleware>();
        return app;
    }
}
