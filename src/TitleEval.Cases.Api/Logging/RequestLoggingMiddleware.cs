using System.Diagnostics;

namespace TitleEval.Cases.Api.Logging;

/// <summary>
/// Logs one line per request with Method, Path, StatusCode, ElapsedMs and TraceId as properties: Information, or Error for
/// a 5xx. Query strings and bodies are never logged, as they may carry personal data.
/// </summary>
public sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var escaped = false;
        try
        {
            await next(context);
        }
        catch
        {
            escaped = true;
            throw;
        }
        finally
        {
            var statusCode = escaped ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            var level = statusCode >= StatusCodes.Status500InternalServerError ? LogLevel.Error : LogLevel.Information;
            if (logger.IsEnabled(level))
            {
                // Checked first: the path and trace id below are built even when the line is then filtered out.
                LogRequest(
                    level,
                    context.Request.Method,
                    context.Request.PathBase.Add(context.Request.Path).Value ?? "/",
                    statusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    TraceIds.Of(context));
            }
        }
    }

    [LoggerMessage(EventId = 2000, Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms (trace {TraceId})")]
    private partial void LogRequest(LogLevel level, string method, string path, int statusCode, double elapsedMs, string traceId);
}
