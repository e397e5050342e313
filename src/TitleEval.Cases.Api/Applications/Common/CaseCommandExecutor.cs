using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>What the HTTP layer passes with every command: who asks, on what version, with which idempotency key.</summary>
public sealed record CommandHeaders(Actor Actor, string? Reason, long? IfMatch, string? IdempotencyKey, string RequestHash, string CorrelationId);

/// <summary>The body every successful command answers: where the case now stands and the global position written (for read-your-writes).</summary>
public sealed record CaseCommandResult(Guid ApplicationId, long Version, long Position, string Status);

public abstract record CommandOutcome
{
    private CommandOutcome()
    {
    }

    public sealed record Done(CaseCommandResult Result, bool Created) : CommandOutcome;

    public sealed record Replayed(StoredResponse Response) : CommandOutcome;

    public sealed record Refused(DomainError Error) : CommandOutcome;

    public sealed record PreconditionFailed(long CurrentVersion) : CommandOutcome;

    public sealed record IdempotencyKeyReused(string Key) : CommandOutcome;
}

/// <summary>The response kept with an idempotency key, replayed as it was.</summary>
public sealed record StoredResponse(int StatusCode, CaseCommandResult Body);

/// <summary>The writes one command plans: the case's own events and, in the same commit, those of the other streams a rule spans.</summary>
public sealed class PlannedChange
{
    private PlannedChange(DomainError? error) => Error = error;

    public DomainError? Error { get; }

    public List<ApplicationEvent> ApplicationEvents { get; } = [];

    public List<StreamAppendPlan> Others { get; } = [];

    public static PlannedChange Refuse(DomainError error) => new(error);

    public static PlannedChange From(Decision<ApplicationEvent> decision)
    {
        var change = new PlannedChange(decision.Error);
        change.ApplicationEvents.AddRange(decision.Events);
        return change;
    }

    public PlannedChange Also(StreamName stream, ExpectedVersion expected, IEnumerable<object> events)
    {
        var list = events.ToList();
        if (Error is null && list.Count > 0)
        {
            Others.Add(new StreamAppendPlan(stream, expected, list));
        }

        return this;
    }
}

public sealed record StreamAppendPlan(StreamName Stream, ExpectedVersion Expected, IReadOnlyList<object> Events);

/// <summary>A stream read and folded, with the version to expect when appending to it.</summary>
public sealed record Loaded<TState>(TState State, long Version)
{
    public ExpectedVersion Expected => Version < 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(Version);
}

/// <summary>What a command's planner sees: the case folded from its stream, the business date, and a way to load other streams.</summary>
public sealed class CaseContext(IEventStore store, Guid applicationId, ApplicationState state, long version, DateOnly today)
{
    public Guid ApplicationId { get; } = applicationId;

    public ApplicationState State { get; } = state;

    public long Version { get; } = version;

    /// <summary>Today in China Standard Time: business dates are CST dates [architecture.md §3].</summary>
    public DateOnly Today { get; } = today;

    public Decision<ApplicationEvent> Decide(ApplicationCommand command) => ApplicationDecider.Decide(command, State);

    public Task<Loaded<TState>> LoadAsync<TEvent, TState>(StreamName stream, Func<IEnumerable<TEvent>, TState> fold, CancellationToken cancellationToken) =>
        CaseCommandExecutor.LoadAsync(store, stream, fold, cancellationToken);
}

/// <summary>
/// Runs one command on one case: reads and folds the stream, checks <c>If-Match</c>, lets the planner decide, appends
/// everything with expected versions in one commit (with the idempotency key), and on a concurrent change re-reads and
/// decides again — a bounded number of times, and never when the caller pinned a version with <c>If-Match</c>.
/// </summary>
public sealed class CaseCommandExecutor(IEventStore store, TimeProvider time)
{
    public const int MaxAttempts = 5;

    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(ChinaStandardTime).DateTime);

    public static async Task<Loaded<TState>> LoadAsync<TEvent, TState>(IEventStore store, StreamName stream, Func<IEnumerable<TEvent>, TState> fold, CancellationToken cancellationToken)
    {
        var recorded = await store.ReadStreamAsync(stream, cancellationToken: cancellationToken);
        var state = fold(recorded.Select(e => (TEvent)EventSerialization.Deserialize(e)));
        return new Loaded<TState>(state, recorded.Count == 0 ? -1 : recorded[^1].Version);
    }

    /// <summary>The common case: the command decides on the case alone; a filing outcome is mirrored to the person's stream.</summary>
    public Task<CommandOutcome> DecideAsync(Guid applicationId, CommandHeaders headers, Func<CaseContext, ApplicationCommand> command, CancellationToken cancellationToken) =>
        ExecuteAsync(
            applicationId,
            headers,
            (context, ct) => FilingOutcomes.WithPersonAsync(context, PlannedChange.From(context.Decide(command(context))), ct),
            cancellationToken);

    public async Task<CommandOutcome> ExecuteAsync(
        Guid applicationId,
        CommandHeaders headers,
        Func<CaseContext, CancellationToken, Task<PlannedChange>> plan,
        CancellationToken cancellationToken)
    {
        var stream = Streams.Application(applicationId);
        for (var attempt = 1; ; attempt++)
        {
            switch (await Idempotency.LookUpAsync<StoredResponse>(store, headers, cancellationToken))
            {
                case Idempotency.Earlier<StoredResponse>.Replay replay:
                    return new CommandOutcome.Replayed(replay.Response);
                case Idempotency.Earlier<StoredResponse>.KeyReused reused:
                    return new CommandOutcome.IdempotencyKeyReused(reused.Key);
            }

            var loaded = await LoadAsync<ApplicationEvent, ApplicationState>(store, stream, ApplicationDecider.Fold, cancellationToken);
            if (headers.IfMatch is { } ifMatch && ifMatch != loaded.Version)
            {
                return new CommandOutcome.PreconditionFailed(loaded.Version);
            }

            var context = new CaseContext(store, applicationId, loaded.State, loaded.Version, Today);
            var change = await plan(context, cancellationToken);
            if (change.Error is { } error)
            {
                return new CommandOutcome.Refused(error);
            }

            var created = !loaded.State.Exists;
            var status = change.ApplicationEvents.Aggregate(loaded.State, ApplicationDecider.Evolve).Status.ToString();
            if (change.ApplicationEvents.Count == 0 && change.Others.Count == 0)
            {
                // Nothing to change (e.g. the deadline job found the case still in time): answer with where it stands.
                var head = loaded.Version < 0 ? 0 : (await store.ReadStreamAsync(stream, loaded.Version, 1, cancellationToken))[0].GlobalPosition;
                return new CommandOutcome.Done(new CaseCommandResult(applicationId, loaded.Version, head, status), Created: false);
            }

            var metadata = new EventMetadata(
                headers.Actor.Id, headers.Actor.Role, headers.Actor.Organisation, headers.Reason, headers.CorrelationId,
                headers.IdempotencyKey ?? headers.CorrelationId, headers.Actor.ClientId, time.GetUtcNow());
            var appends = new List<StreamAppend>
            {
                new(stream, loaded.Expected, change.ApplicationEvents.Select(e => EventSerialization.ToEventData(e, metadata)).ToArray()),
            };
            appends.AddRange(change.Others.Select(o => new StreamAppend(o.Stream, o.Expected, o.Events.Select(e => EventSerialization.ToEventData(e, metadata)).ToArray())));
            if (change.ApplicationEvents.Count == 0)
            {
                appends.RemoveAt(0);
            }

            try
            {
                var statusCode = created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
                CaseCommandResult ResultOf(AppendResult appended) => new(
                    applicationId,
                    change.ApplicationEvents.Count == 0 ? loaded.Version : appended.VersionOf(stream),
                    appended.LastGlobalPosition,
                    status);
                var result = Idempotency.Record(headers, a => new StoredResponse(statusCode, ResultOf(a))) is { } idempotency
                    ? await store.AppendAsync(appends, idempotency, cancellationToken)
                    : await store.AppendAsync(appends, cancellationToken);
                return new CommandOutcome.Done(ResultOf(result), created);
            }
            catch (WrongExpectedVersionException conflict) when (attempt < MaxAttempts && (headers.IfMatch is null || conflict.Stream != stream))
            {
                // Someone else changed one of the streams since we read it: decide again on fresh state. With If-Match the
                // case itself must not have moved (then 412, below); a change to the person's or another stream is retried,
                // and If-Match is checked again at the top of the next round.
            }
            catch (WrongExpectedVersionException conflict) when (headers.IfMatch is not null && conflict.Stream == stream)
            {
                return new CommandOutcome.PreconditionFailed(conflict.Actual);
            }
            catch (IdempotencyKeyTakenException) when (attempt < MaxAttempts)
            {
                // A concurrent request with the same key committed first: the next round replays or refuses it.
            }
        }
    }
}
