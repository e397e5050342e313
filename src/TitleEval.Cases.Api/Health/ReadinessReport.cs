using System.Text.Json.Serialization;

namespace TitleEval.Cases.Api.Health;

/// <summary>Whether the service can serve requests: its event store answers.</summary>
public sealed record ReadinessReport
{
    public const string Ready = "ready";
    public const string Unavailable = "unavailable";

    /// <summary><c>ready</c> when the event store answers, <c>unavailable</c> otherwise.</summary>
    /// <example>ready</example>
    public required string Status { get; init; }

    /// <summary>The event-store engine: <c>sqlite</c> or <c>messagedb</c>.</summary>
    /// <example>sqlite</example>
    public required string Engine { get; init; }

    /// <summary>The global position of the last stored event (0 when the store is empty); present only when ready.</summary>
    /// <example>42</example>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? HeadPosition { get; init; }

    /// <summary>Each projection's lag behind the log; the service is unavailable when one lags more than Projections:MaxLag.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Projections.ProjectionStatus>? Projections { get; init; }

    [JsonIgnore]
    public bool IsReady => Status == Ready;
}
