namespace TitleEval.Cases.Api.Health;

/// <summary>The process is running and answering HTTP.</summary>
public sealed record LivenessReport
{
    public const string Live = "live";

    /// <summary>Always <c>live</c>.</summary>
    /// <example>live</example>
    public required string Status { get; init; }
}
