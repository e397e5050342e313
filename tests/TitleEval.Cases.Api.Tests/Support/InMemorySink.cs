using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace TitleEval.Cases.Api.Tests.Support;

/// <summary>A Serilog sink that keeps every event, so tests can read what the app logged.</summary>
public sealed class InMemorySink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> events = new();

    public IReadOnlyList<LogEvent> Events => [.. events];

    public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);

    /// <summary>Waits up to <paramref name="timeout"/> for an event matching <paramref name="match"/>: some lines are written just after the response.</summary>
    public async Task<LogEvent?> WaitForAsync(Func<LogEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var found = events.FirstOrDefault(match);
            if (found is not null || DateTime.UtcNow >= deadline)
            {
                return found;
            }

            await Task.Delay(20);
        }
    }
}

public static class LogEventExtensions
{
    /// <summary>A scalar property's value, or null when the event lacks it.</summary>
    public static object? Scalar(this LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue scalar ? scalar.Value : null;

    public static int? EventId(this LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("EventId", out var value) && value is StructureValue structure
            ? structure.Properties.Where(p => p.Name == "Id").Select(p => (p.Value as ScalarValue)?.Value as int?).FirstOrDefault()
            : null;
}
