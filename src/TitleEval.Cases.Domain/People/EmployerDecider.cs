using System.Collections.Immutable;

namespace TitleEval.Cases.Domain.People;

/// <summary>One stream per employer: rule 3, one committee per series and level per year for all its applicants [000 三].</summary>
public static class EmployerDecider
{
    public sealed record CommitteeChosen(int PlanYear, string Series, Level Level, string CommitteeId, Guid FirstApplicationId);

    public sealed record State(ImmutableDictionary<(int Year, string Series, Level Level), string> Committees)
    {
        public static State Initial { get; } = new(ImmutableDictionary<(int, string, Level), string>.Empty);
    }

    public static State Evolve(State state, CommitteeChosen e) => state with { Committees = state.Committees.SetItem((e.PlanYear, e.Series, e.Level), e.CommitteeId) };

    /// <summary>No event when the employer already chose this committee; a refusal when it chose another.</summary>
    public static Decision<CommitteeChosen> Decide(State state, int planYear, string series, Level level, string committeeId, Guid applicationId)
    {
        if (state.Committees.TryGetValue((planYear, series, level), out var chosen))
        {
            return chosen == committeeId ? Decision<CommitteeChosen>.Accept() : DomainErrors.DifferentCommitteeForEmployer(series, level, chosen);
        }

        return Decision<CommitteeChosen>.Accept(new CommitteeChosen(planYear, series, level, committeeId, applicationId));
    }
}

/// <summary>One stream per plan, series and level that has a quota [002 五(九)]: each approval takes a place, in the same commit.</summary>
public static class QuotaPlaces
{
    /// <summary>A place is never given back: a title revoked later still used its year's quota.</summary>
    public sealed record PlaceTaken(Guid ApplicationId, DateOnly On);
}

/// <summary>An integrity record (诚信档案) about an applicant, expert, staff member, employer or committee-forming body [000 七(一)4].</summary>
public abstract record IntegrityEvent
{
    private IntegrityEvent()
    {
    }

    /// <summary>The record period is three years: the record is active from <paramref name="RecordedOn"/> until the day before <paramref name="ExpiresOn"/>.</summary>
    public sealed record Recorded(
        Guid RecordId, string SubjectKind, string SubjectKey, string SubjectName, string Misconduct, Sanction Sanction, string DecisionReference,
        Guid? ApplicationId, DateOnly RecordedOn, DateOnly ExpiresOn) : IntegrityEvent;

    public sealed record Expired(Guid RecordId, DateOnly On) : IntegrityEvent;

    public static DateOnly ExpiryFor(DateOnly recordedOn) => recordedOn.AddYears(3);
}
