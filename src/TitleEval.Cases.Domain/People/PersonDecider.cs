using System.Collections.Immutable;
using System.Diagnostics;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Domain.People;

/// <summary>How an application ended, as far as the person's later filings care.</summary>
public enum FilingOutcome
{
    Withdrawn,
    RejectedIneligible,
    DeemedWithdrawn,
    NotPassed,
    Disqualified,
    Approved,
    RevokedForFraud,
}

/// <summary>What 诚信档案库 sanctions are [000 七(一)4]. Two of them stop a person filing while the record is active.</summary>
public enum Sanction
{
    Reminder,
    Criticism,
    PromotionEligibilityCancelled,
    TitleRevoked,
    Other,
}

public abstract record PersonEvent
{
    private PersonEvent()
    {
    }

    public sealed record ApplicationFiled(Guid ApplicationId, int PlanYear, Level Level, string Series, string CommitteeId, Channel Channel, IReadOnlyList<int> PreferentialPolicies, DateOnly WindowCloses, DateOnly On) : PersonEvent;

    public sealed record ApplicationOutcomeRecorded(Guid ApplicationId, FilingOutcome Outcome, DateOnly On) : PersonEvent;

    public sealed record IntegrityRecordNoted(Guid RecordId, Sanction Sanction, DateOnly RecordedOn, DateOnly ExpiresOn) : PersonEvent;
}

public abstract record PersonCommand
{
    private PersonCommand()
    {
    }

    public required DateOnly Today { get; init; }

    /// <summary><paramref name="WindowCloses"/>: the close of the plan's window for the level; a slot freed after it stays taken (rule 2).</summary>
    public sealed record FileApplication(Guid ApplicationId, int PlanYear, Level Level, string Series, string CommitteeId, Channel Channel, IReadOnlyList<int> PreferentialPolicies, DateOnly WindowCloses) : PersonCommand;

    public sealed record RecordOutcome(Guid ApplicationId, FilingOutcome Outcome) : PersonCommand;

    public sealed record NoteIntegrityRecord(Guid RecordId, Sanction Sanction, DateOnly RecordedOn, DateOnly ExpiresOn) : PersonCommand;
}

public sealed record Filing(Guid ApplicationId, int PlanYear, Level Level, string Series, string CommitteeId, Channel Channel, IReadOnlyList<int> PreferentialPolicies, DateOnly WindowCloses, FilingOutcome? Outcome, DateOnly? OutcomeOn)
{
    /// <summary>Rule 2 [000 三; 002 四]: only a withdrawn, rejected or deemed-withdrawn application frees its slot, and only when it ended before its window closed.</summary>
    public bool HoldsSlot =>
        Outcome is not (FilingOutcome.Withdrawn or FilingOutcome.RejectedIneligible or FilingOutcome.DeemedWithdrawn) || OutcomeOn > WindowCloses;
}

public sealed record IntegrityNote(Guid RecordId, Sanction Sanction, DateOnly RecordedOn, DateOnly ExpiresOn)
{
    public bool IsActiveOn(DateOnly date) => date >= RecordedOn && date < ExpiresOn;

    public bool BlocksFiling => Sanction is Sanction.TitleRevoked or Sanction.PromotionEligibilityCancelled;
}

public sealed record PersonState(ImmutableList<Filing> Filings, ImmutableList<IntegrityNote> IntegrityRecords)
{
    public static PersonState Initial { get; } = new([], []);
}

/// <summary>
/// One stream per person (keyed by the HMAC of the resident ID): the rules that span a person's applications.
/// Filing appends here and to the new case's stream in one commit, so two concurrent filings cannot both pass.
/// </summary>
public static class PersonDecider
{
    /// <summary>Preferential-policy codes a person benefits from once [000 附件2]: 8 pandemic front line; 10 exceptional (破格) [001 四(四)].</summary>
    public static readonly IReadOnlySet<int> OnceOnlyPolicies = new HashSet<int> { 8, 10 };

    public static PersonState Fold(IEnumerable<PersonEvent> events) => events.Aggregate(PersonState.Initial, Evolve);

    public static Decision<PersonEvent> Decide(PersonCommand command, PersonState state) => command switch
    {
        PersonCommand.FileApplication c => DecideFile(c, state),
        PersonCommand.RecordOutcome c => state.Filings.Any(f => f.ApplicationId == c.ApplicationId && f.Outcome == c.Outcome)
            ? Decision<PersonEvent>.Accept()
            : Decision<PersonEvent>.Accept(new PersonEvent.ApplicationOutcomeRecorded(c.ApplicationId, c.Outcome, c.Today)),
        PersonCommand.NoteIntegrityRecord c => state.IntegrityRecords.Any(r => r.RecordId == c.RecordId)
            ? Decision<PersonEvent>.Accept()
            : Decision<PersonEvent>.Accept(new PersonEvent.IntegrityRecordNoted(c.RecordId, c.Sanction, c.RecordedOn, c.ExpiresOn)),
        _ => throw new UnreachableException($"Unknown command {command.GetType().Name}"),
    };

    public static PersonState Evolve(PersonState state, PersonEvent @event) => @event switch
    {
        PersonEvent.ApplicationFiled e => state with
        {
            Filings = state.Filings.Add(new Filing(e.ApplicationId, e.PlanYear, e.Level, e.Series, e.CommitteeId, e.Channel, e.PreferentialPolicies, e.WindowCloses, null, null)),
        },
        PersonEvent.ApplicationOutcomeRecorded e => state with
        {
            Filings = state.Filings.Select(f => f.ApplicationId == e.ApplicationId ? f with { Outcome = e.Outcome, OutcomeOn = e.On } : f).ToImmutableList(),
        },
        PersonEvent.IntegrityRecordNoted e => state with
        {
            IntegrityRecords = state.IntegrityRecords.Add(new IntegrityNote(e.RecordId, e.Sanction, e.RecordedOn, e.ExpiresOn)),
        },
        _ => throw new UnreachableException($"Unknown event {@event.GetType().Name}"),
    };

    /// <summary>Rule 13: an active record that does not block filing still flags the case for every reviewer.</summary>
    public static IntegrityFlag? FlagOn(PersonState state, DateOnly date) =>
        state.IntegrityRecords.Where(r => r.IsActiveOn(date)).OrderByDescending(r => r.ExpiresOn)
            .Select(r => new IntegrityFlag(r.RecordId, r.Sanction.ToString(), r.ExpiresOn)).FirstOrDefault();

    private static Decision<PersonEvent> DecideFile(PersonCommand.FileApplication c, PersonState state)
    {
        // Rule 13 [000 七(一)4]
        var blocking = state.IntegrityRecords.Where(r => r.BlocksFiling && r.IsActiveOn(c.Today)).OrderByDescending(r => r.ExpiresOn).FirstOrDefault();
        if (blocking is not null)
        {
            return DomainErrors.IntegrityRecordBlocks(blocking.ExpiresOn);
        }

        // Rule 2 [000 三; 002 四]: one live application per level per plan year, to one committee.
        var sameLevel = state.Filings.Where(f => f.PlanYear == c.PlanYear && f.Level == c.Level).ToArray();
        if (sameLevel.FirstOrDefault(f => f.HoldsSlot) is { } live)
        {
            return DomainErrors.DuplicateApplication(c.PlanYear, c.Level, live.ApplicationId);
        }

        if (sameLevel.FirstOrDefault(f => f.CommitteeId != c.CommitteeId) is { } other)
        {
            return DomainErrors.DifferentCommitteeForPerson(c.Level, other.CommitteeId);
        }

        // Rule 12 [003 四(二)(三)]: the green channel benefits a person once (an approval through it uses it up);
        // after failing it, not again in the same year.
        if (c.Channel == Channel.GreenChannel)
        {
            var green = state.Filings.Where(f => f.Channel == Channel.GreenChannel).ToArray();
            if (green.Any(f => f.Outcome is FilingOutcome.Approved or FilingOutcome.RevokedForFraud))
            {
                return DomainErrors.GreenChannelUsed();
            }

            if (green.Any(f => f.PlanYear == c.PlanYear && f.Outcome == FilingOutcome.NotPassed))
            {
                return DomainErrors.GreenChannelFailedThisYear(c.PlanYear);
            }
        }

        // Once-only policies are used up by an approval that relied on them.
        foreach (var code in c.PreferentialPolicies.Where(OnceOnlyPolicies.Contains))
        {
            if (state.Filings.Any(f => f.PreferentialPolicies.Contains(code) && f.Outcome is FilingOutcome.Approved or FilingOutcome.RevokedForFraud))
            {
                return DomainErrors.PreferentialPolicyUsed(code);
            }
        }

        return Decision<PersonEvent>.Accept(new PersonEvent.ApplicationFiled(c.ApplicationId, c.PlanYear, c.Level, c.Series, c.CommitteeId, c.Channel, c.PreferentialPolicies, c.WindowCloses, c.Today));
    }
}
