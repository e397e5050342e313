using Microsoft.Extensions.Options;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Store;

/// <summary>Checks section <c>EventStore</c> when the host starts, so a wrong setting stops it with a message that names the fix.</summary>
public sealed class EventStoreOptionsValidator : IValidateOptions<EventStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, EventStoreOptions options)
    {
        var failures = new List<string>();

        if (!Enum.IsDefined(options.Engine))
        {
            failures.Add($"EventStore:Engine must be {nameof(EventStoreEngine.Sqlite)} or {nameof(EventStoreEngine.MessageDb)}.");
        }

        if (options.Engine == EventStoreEngine.MessageDb && string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            failures.Add(
                "EventStore:PostgresConnectionString is required when EventStore:Engine is MessageDb. " +
                "Set it (for example with the environment variable EventStore__PostgresConnectionString) or use EventStore:Engine=Sqlite.");
        }

        if (options.Engine == EventStoreEngine.Sqlite && string.IsNullOrWhiteSpace(options.SqlitePath))
        {
            failures.Add("EventStore:SqlitePath must name the SQLite database file when EventStore:Engine is Sqlite.");
        }

        if (options.MaxEventSizeBytes <= 0)
        {
            failures.Add("EventStore:MaxEventSizeBytes must be a positive number of bytes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
