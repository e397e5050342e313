using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Tests.Support;

/// <summary>
/// Test-only routes that throw, added by <see cref="ApiFactory"/> through an <see cref="IStartupFilter"/> so that production
/// ships none. They sit behind the app's own pipeline (reached when no endpoint matches), inside its exception handler.
/// </summary>
public sealed class ThrowingRoutes : IStartupFilter
{
    public const string Unhandled = "/test/throw/unhandled";
    public const string StorePrefix = "/test/throw/store";
    public const string SecretMessage = "secret-internal-detail: connection string Password=hunter2";

    public static readonly IReadOnlyDictionary<string, Func<EventStoreException>> StoreErrors = new Dictionary<string, Func<EventStoreException>>
    {
        ["wrong-expected-version"] = () => new WrongExpectedVersionException(StreamName.Parse("application-42"), ExpectedVersion.Exactly(3), 5),
        ["invalid-stream-name"] = () => new InvalidStreamNameException("no category", "The stream name has no category."),
        ["invalid-append"] = () => new InvalidAppendException("The event type is empty.", Guid.NewGuid()),
        ["event-too-large"] = () => new EventTooLargeException(Guid.NewGuid(), 300_000, 262_144),
        ["event-id-conflict"] = () => new EventIdConflictException(Guid.NewGuid(), "stored in another stream"),
        ["idempotency-key-taken"] = () => new IdempotencyKeyTakenException("order-7"),
        ["unavailable"] = () => new EventStoreUnavailableException("PostgreSQL could not be reached: " + SecretMessage, new TimeoutException()),
    };

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Map(Unhandled, branch => branch.Run(_ => throw new InvalidOperationException(SecretMessage)));
        app.Map(StorePrefix, branch => branch.Run(context =>
        {
            var kind = context.Request.Path.Value!.Trim('/');
            throw StoreErrors.TryGetValue(kind, out var create) ? create() : new InvalidOperationException($"No store error '{kind}'.");
        }));
    };
}
