using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Domain.Privacy;

/// <summary>The personal data that responses mask by default and that an explicit request may disclose [architecture.md §4].</summary>
public enum PersonalDataField
{
    ResidentId,
    Phone,
}

/// <summary>
/// A full resident ID or phone shown to someone: who (the event's metadata), which field, which case and why. Kept in a
/// disclosure stream of its own per case, not in the case stream, so that reading a value never moves the case's
/// version (and never turns a colleague's <c>If-Match</c> into a 412).
/// </summary>
public sealed record PersonalDataDisclosed(Guid ApplicationId, PersonalDataField Field, string Reason, DateOnly On);

/// <summary>Asks for the full value of one field of one case's applicant.</summary>
public sealed record DisclosePersonalData(Guid ApplicationId, PersonalDataField Field, string Reason, DateOnly Today);

public static class DisclosureDecider
{
    /// <summary>The case must exist and the request must say why: an unexplained look at an ID is what inspectors look for.</summary>
    public static Decision<PersonalDataDisclosed> Decide(DisclosePersonalData command, ApplicationState @case)
    {
        if (!@case.Exists)
        {
            return DomainErrors.ApplicationNotFound();
        }

        if (string.IsNullOrWhiteSpace(command.Reason))
        {
            return DomainErrors.DisclosureReasonRequired();
        }

        return Decision<PersonalDataDisclosed>.Accept(new PersonalDataDisclosed(command.ApplicationId, command.Field, command.Reason.Trim(), command.Today));
    }

    /// <summary>The value as filed, unmasked: only ever returned after <see cref="Decide"/> accepted and the event was stored.</summary>
    public static string ValueOf(PersonalDataField field, ApplicationEvent.Submitted filing) => field switch
    {
        PersonalDataField.ResidentId => filing.Applicant.ResidentId,
        PersonalDataField.Phone => filing.Applicant.Phone,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown personal-data field."),
    };
}
