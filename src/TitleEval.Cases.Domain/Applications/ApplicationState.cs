using System.Collections.Immutable;

namespace TitleEval.Cases.Domain.Applications;

public sealed record Publicity(DateOnly Start, DateOnly End, bool Closed);

/// <summary>
/// A case folded from its events. <see cref="None"/> is the state before submission. The submission's facts are
/// kept whole (<see cref="Filing"/>); the rest is what later decisions need.
/// </summary>
public sealed record ApplicationState
{
    public static ApplicationState None { get; } = new();

    public ApplicationEvent.Submitted? Filing { get; init; }

    public bool Exists => Filing is not null;

    public ApplicationStatus Status { get; init; }

    /// <summary>The review stage the case is at (or was returned from) while it is in the review chain.</summary>
    public ReviewStage Stage { get; init; }

    public ImmutableDictionary<PublicityStage, Publicity> Publicities { get; init; } = ImmutableDictionary<PublicityStage, Publicity>.Empty;

    public ImmutableDictionary<Guid, PublicityStage> OpenObjections { get; init; } = ImmutableDictionary<Guid, PublicityStage>.Empty;

    public bool ObjectionUpheld { get; init; }

    public DateOnly? CorrectionDeadline { get; init; }

    public ApplicationEvent.Reviewed? Vote { get; init; }

    public DateOnly? ApprovedOn { get; init; }

    public string? CertificateNumber { get; init; }

    public bool IsTerminal => Status is ApplicationStatus.NotPassed or ApplicationStatus.Disqualified or ApplicationStatus.RejectedIneligible
        or ApplicationStatus.Withdrawn or ApplicationStatus.DeemedWithdrawn or ApplicationStatus.RevokedForFraud;

    /// <summary>The open publicity, if any: objections are lodged against it.</summary>
    public PublicityStage? OpenPublicity => Publicities.Where(p => !p.Value.Closed).Select(p => (PublicityStage?)p.Key).FirstOrDefault();
}
