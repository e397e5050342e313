using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.People;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>
/// Which case events end (or change the end of) a filing on the person's stream. Written in the same commit as the
/// case event, so the person's slot for the level and year (rule 2), the green channel (rule 12) and once-only
/// benefits always agree with the cases.
/// </summary>
public static class FilingOutcomes
{
    public static FilingOutcome? Of(ApplicationEvent @event) => @event switch
    {
        ApplicationEvent.Withdrawn => FilingOutcome.Withdrawn,
        ApplicationEvent.RejectedIneligible => FilingOutcome.RejectedIneligible,
        ApplicationEvent.DeemedWithdrawn => FilingOutcome.DeemedWithdrawn,
        ApplicationEvent.Reviewed { Passed: false } => FilingOutcome.NotPassed,
        ApplicationEvent.Disqualified => FilingOutcome.Disqualified,
        ApplicationEvent.Approved => FilingOutcome.Approved,
        ApplicationEvent.RevokedForFraud => FilingOutcome.RevokedForFraud,
        _ => null,
    };

    /// <summary>Adds the person's outcome events (and any integrity-record note) to <paramref name="change"/>.</summary>
    public static async Task<PlannedChange> WithPersonAsync(CaseContext context, PlannedChange change, CancellationToken cancellationToken, params PersonCommand[] extra)
    {
        var outcomes = change.ApplicationEvents.Select(Of).OfType<FilingOutcome>().ToArray();
        if (change.Error is not null || (outcomes.Length == 0 && extra.Length == 0))
        {
            return change;
        }

        var stream = Streams.PersonByKey(context.State.Filing!.PersonKey);
        var person = await context.LoadAsync<PersonEvent, PersonState>(stream, PersonDecider.Fold, cancellationToken);
        var state = person.State;
        var events = new List<PersonEvent>();
        foreach (var command in extra.Concat(outcomes.Select(o => new PersonCommand.RecordOutcome(context.ApplicationId, o) { Today = context.Today })))
        {
            var decision = PersonDecider.Decide(command, state);
            if (decision.Error is { } error)
            {
                return PlannedChange.Refuse(error);
            }

            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, PersonDecider.Evolve);
        }

        return change.Also(stream, person.Expected, events);
    }
}
