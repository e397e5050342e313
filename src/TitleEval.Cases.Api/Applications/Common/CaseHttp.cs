using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.Domain;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>The HTTP conventions every case command shares [architecture.md §3]: the caller from the token, <c>If-Match</c>, <c>Idempotency-Key</c>, validation, ETag, problem details.</summary>
public static class CaseHttp
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Validates, builds the command with the caller's headers, sends it, and answers the outcome.</summary>
    public static async Task<IResult> SendAsync<TBody>(
        HttpContext http,
        IMediator mediator,
        TBody? body,
        Func<TBody, CommandHeaders, IRequest<CommandOutcome>> command,
        Func<TBody, string?> reason,
        CancellationToken cancellationToken)
        where TBody : class, IValidatedBody
    {
        var errors = new FieldErrors();
        var headers = ReadHeaders(http, body, errors);
        if (body is null)
        {
            errors.Add("body", "is required");
        }
        else
        {
            body.Validate(errors);
        }

        if (errors.Any || headers is null)
        {
            return ValidationProblem(errors);
        }

        var outcome = await mediator.Send(command(body!, headers with { Reason = reason(body!) }), cancellationToken);
        return ToResult(http, outcome);
    }

    public static IResult ToResult(HttpContext http, CommandOutcome outcome)
    {
        switch (outcome)
        {
            case CommandOutcome.Done done:
                SetETag(http, done.Result.Version);
                return done.Created
                    ? TypedResults.Created($"/api/v1/applications/{done.Result.ApplicationId}", done.Result)
                    : TypedResults.Ok(done.Result);
            case CommandOutcome.Replayed replayed:
                SetETag(http, replayed.Response.Body.Version);
                http.Response.Headers[ReplayedHeader] = "true";
                if (replayed.Response.StatusCode == StatusCodes.Status201Created)
                {
                    return TypedResults.Created($"/api/v1/applications/{replayed.Response.Body.ApplicationId}", replayed.Response.Body);
                }

                return TypedResults.Json(replayed.Response.Body, statusCode: replayed.Response.StatusCode);
            case CommandOutcome.Refused refused:
                return Problem(refused.Error);
            case CommandOutcome.PreconditionFailed failed:
                SetETag(http, failed.CurrentVersion);
                return TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status412PreconditionFailed,
                    Type = ProblemTypes.PreconditionFailed,
                    Title = "The case changed since you read it",
                    Detail = $"案件已被他人修改（当前版本 {failed.CurrentVersion}），未保存任何内容；请重新读取后再提交。 / The case is at version {failed.CurrentVersion}, not the one in If-Match, so nothing was saved. Read it again (GET returns the current ETag), check the changes and resend.",
                    Extensions = { ["currentVersion"] = failed.CurrentVersion },
                });
            case CommandOutcome.IdempotencyKeyReused reused:
                return Idempotency.KeyReusedProblem(reused.Key);
            default:
                throw new InvalidOperationException($"Unknown outcome {outcome.GetType().Name}");
        }
    }

    /// <summary>A business-rule refusal: stable type <c>/problems/{code}</c>, what to do in Chinese and English; nothing was written.</summary>
    public static IResult Problem(DomainError error)
    {
        var status = error.Kind switch
        {
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.WrongState => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        return TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Type = ProblemTypes.ForDomainError(error.Code),
            Title = error.Title,
            Detail = error.Detail,
            Extensions = { ["code"] = error.Code, ["detailZh"] = error.DetailZh, ["detailEn"] = error.DetailEn },
        });
    }

    public static IResult ValidationProblem(FieldErrors errors) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status400BadRequest,
        Type = ProblemTypes.ValidationFailed,
        Title = "The request has invalid fields",
        Detail = "请求字段有误，未保存任何内容；请按 errors 所列逐项更正。 / Some fields are invalid and nothing was saved; correct every field listed in 'errors' and resend.",
        Extensions = { ["errors"] = errors.ToDictionary() },
    });

    public static void SetETag(HttpContext http, long version) => http.Response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static CommandHeaders? ReadHeaders<TBody>(HttpContext http, TBody? body, FieldErrors errors)
    {
        var request = http.Request.Headers;
        string? Header(string name) => request.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString().Trim() : null;

        // Headers carry codes (HTTP header values are ASCII, RFC 9110 §5.5); names belong in bodies.
        foreach (var (name, value) in new[] { (ActorHeaders.Correlation, Header(ActorHeaders.Correlation)), (IdempotencyKeyHeader, Header(IdempotencyKeyHeader)) })
        {
            if (value is not null && !value.All(c => c is >= ' ' and <= '~'))
            {
                errors.Add($"header:{name}", "must be printable ASCII");
            }
        }

        long? ifMatch = null;
        if (Header("If-Match") is { } etag)
        {
            if (long.TryParse(etag.Trim('"').Replace("W/", string.Empty, StringComparison.Ordinal).Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version))
            {
                ifMatch = version;
            }
            else
            {
                errors.Add("header:If-Match", "must be an ETag this API returned, e.g. \"3\"");
            }
        }

        var key = Header(IdempotencyKeyHeader);
        if (key is { Length: > 200 })
        {
            errors.Add($"header:{IdempotencyKeyHeader}", "is longer than 200 characters");
        }

        if (errors.Any)
        {
            return null;
        }

        // The request's identity for idempotency: method, path and the body as bound (so formatting does not matter).
        var canonical = $"{http.Request.Method} {http.Request.Path}\n{JsonSerializer.Serialize(body, EventSerialization.Options)}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var correlation = Header(ActorHeaders.Correlation) ?? Logging.TraceIds.Of(http);
        // Who decides comes from the token, never from the request: the principal's subject, role, organisation and client.
        return new CommandHeaders(Identity.Caller.Of(http).Actor, null, ifMatch, key, hash, correlation);
    }
}
