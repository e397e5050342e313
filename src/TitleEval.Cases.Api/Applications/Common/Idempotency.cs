using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>
/// <c>Idempotency-Key</c> for every command (case commands through <see cref="CaseCommandExecutor"/>, integrity records
/// on their own): the first answer is stored with the events in one commit; a retry with the same key and request gets that answer
/// again, another request under the same key is refused.
/// </summary>
public static class Idempotency
{
    /// <summary>What a key already stored says about this request.</summary>
    public abstract record Earlier<T>
    {
        private Earlier()
        {
        }

        public sealed record Replay(T Response) : Earlier<T>;

        public sealed record KeyReused(string Key) : Earlier<T>;
    }

    /// <summary>Null when the request has no key or the key is new; then append with <see cref="Record{T}"/>.</summary>
    public static async Task<Earlier<T>?> LookUpAsync<T>(IEventStore store, CommandHeaders headers, CancellationToken cancellationToken)
    {
        if (headers.IdempotencyKey is not { } key || await store.ReadIdempotencyAsync(key, cancellationToken) is not { } stored)
        {
            return null;
        }

        return stored.RequestHash == headers.RequestHash
            ? new Earlier<T>.Replay(JsonSerializer.Deserialize<T>(stored.Response, EventSerialization.Options)!)
            : new Earlier<T>.KeyReused(key);
    }

    /// <summary>The record to append with, or null without a key.</summary>
    public static IdempotencyRecord? Record<T>(CommandHeaders headers, Func<AppendResult, T> response) =>
        headers.IdempotencyKey is { } key
            ? new IdempotencyRecord(key, headers.RequestHash, appended => JsonSerializer.Serialize(response(appended), EventSerialization.Options))
            : null;

    public static IResult KeyReusedProblem(string key) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status422UnprocessableEntity,
        Type = ProblemTypes.IdempotencyKeyReused,
        Title = "The idempotency key was used for another request",
        Detail = $"幂等键 {key} 已用于另一个不同的请求，未保存任何内容；新请求请使用新的键。 / Idempotency-Key '{key}' was first used with a different request; nothing was saved. Use a new key for a new request.",
    });
}
