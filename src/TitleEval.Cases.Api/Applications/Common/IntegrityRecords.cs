using TitleEval.Cases.Domain.People;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>The integrity record (诚信档案) a fraud decision writes, in the same commit as the decision [001 七(三)].</summary>
public static class IntegrityRecords
{
    public static PlannedChange WithRecord(CaseContext context, PlannedChange change, Guid recordId, Sanction sanction, string misconduct, string decisionReference)
    {
        if (change.Error is not null || change.ApplicationEvents.Count == 0)
        {
            return change;
        }

        var filing = context.State.Filing!;
        var recorded = new IntegrityEvent.Recorded(
            recordId, "applicant", filing.PersonKey, filing.Applicant.Name, misconduct, sanction, decisionReference,
            context.ApplicationId, context.Today, IntegrityEvent.ExpiryFor(context.Today));
        return change.Also(Streams.Integrity(recordId), EventStore.ExpectedVersion.NoStream, [recorded]);
    }

    public static PersonCommand Note(CaseContext context, Guid recordId, Sanction sanction) =>
        new PersonCommand.NoteIntegrityRecord(recordId, sanction, context.Today, IntegrityEvent.ExpiryFor(context.Today)) { Today = context.Today };
}
