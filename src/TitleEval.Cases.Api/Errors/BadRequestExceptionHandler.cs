using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace TitleEval.Cases.Api.Errors;

/// <summary>
/// A body that is not JSON, has a value of the wrong type or an unknown enum value: 400 problem details naming the field
/// (the JSON path where reading stopped), instead of a bare 400. Nothing was read further, so nothing was written.
/// </summary>
public sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var json = badRequest.InnerException as JsonException;
        var field = json?.Path is { Length: > 0 } path ? path.TrimStart('$', '.') : "body";
        var message = json is null ? badRequest.Message : "is not valid here: wrong type, unknown enum value or malformed JSON";
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.ValidationFailed,
            Title = "The request has invalid fields",
            Detail = "请求体不是有效的 JSON 或字段类型/取值有误，未保存任何内容。 / The body is not valid JSON or a field has the wrong type or an unknown value; nothing was saved.",
            Extensions = { ["errors"] = new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [message] } },
        };
        httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        return true;
    }
}
