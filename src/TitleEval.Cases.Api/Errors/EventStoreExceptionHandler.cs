using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Errors;

/// <summary>Maps the event store's typed errors to problem details in one place, so that no endpoint catches them itself.</summary>
public sealed partial class EventStoreExceptionHandler(ILogger<EventStoreExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not EventStoreException storeException || ProblemFor(storeException) is not { } problem)
        {
            return false;
        }

        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            LogStoreFailure(exception, problem.Type!);
        }
        else
        {
            LogRejected(problem.Type!, exception.GetType().Name);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>The problem a store error answers; null for an error this handler does not know (it becomes a 500).</summary>
    public static ProblemDetails? ProblemFor(EventStoreException exception) => exception switch
    {
        WrongExpectedVersionException conflict => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.ConcurrencyConflict,
            Title = "The record changed since it was read",
            Detail = "Someone else changed this record after you read it, so nothing was saved. Reload it, check the changes and send the request again.",
            Extensions = { ["expectedVersion"] = conflict.Expected.ToString(), ["actualVersion"] = conflict.Actual },
        },
        InvalidStreamNameException invalid => new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.InvalidEvent,
            Title = "The change is not valid",
            Detail = $"The record's identifier is not valid: {invalid.Reason} Nothing was saved.",
        },
        InvalidAppendException invalid => new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.InvalidEvent,
            Title = "The change is not valid",
            Detail = $"{invalid.Reason} Nothing was saved; correct the request and send it again.",
        },
        EventTooLargeException tooLarge => new ProblemDetails
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Type = ProblemTypes.EventTooLarge,
            Title = "The change is too large",
            Detail = $"The change takes {tooLarge.SizeBytes} bytes; the limit is {tooLarge.LimitBytes} bytes. Nothing was saved; send less data.",
            Extensions = { ["sizeBytes"] = tooLarge.SizeBytes, ["limitBytes"] = tooLarge.LimitBytes },
        },
        EventIdConflictException => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.EventIdConflict,
            Title = "The change reuses an id of another change",
            Detail = "An event id of this request is already stored with other content, so nothing was saved. Reuse an id only to retry exactly the same request; use new ids for a new one.",
        },
        IdempotencyKeyTakenException => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.IdempotencyKeyTaken,
            Title = "The idempotency key is in use",
            Detail = "Another request with the same Idempotency-Key was stored first, so nothing of this one was saved. Send the same request again to get the stored answer.",
        },
        EventStoreUnavailableException => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.StoreUnavailable,
            Title = "The event store is unavailable",
            Detail = "The event store cannot be reached just now, so nothing was saved. Retry in a little while.",
        },
        _ => null,
    };

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "Event store failure answered as {ProblemType}")]
    private partial void LogStoreFailure(Exception exception, string problemType);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Request rejected by the event store as {ProblemType} ({ExceptionType})")]
    private partial void LogRejected(string problemType, string exceptionType);
}
