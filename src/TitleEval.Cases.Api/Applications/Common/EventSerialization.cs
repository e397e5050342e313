using System.Text.Json;
using System.Text.Json.Serialization;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.People;
using TitleEval.Cases.Domain.Privacy;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>
/// Persisted event type names: versioned strings that never follow a C# rename [architecture.md §1]. A new shape of an
/// event gets a new name (<c>.v2</c>) and an upcaster here; stored names are never reused.
/// </summary>
public static class EventSerialization
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(ApplicationEvent.Submitted)] = "application-submitted.v1",
        [typeof(ApplicationEvent.StageReviewPassed)] = "stage-review-passed.v1",
        [typeof(ApplicationEvent.PublicityOpened)] = "publicity-opened.v1",
        [typeof(ApplicationEvent.PublicityClosed)] = "publicity-closed.v1",
        [typeof(ApplicationEvent.ObjectionLodged)] = "objection-lodged.v1",
        [typeof(ApplicationEvent.ObjectionResolved)] = "objection-resolved.v1",
        [typeof(ApplicationEvent.ReturnedForCorrection)] = "returned-for-correction.v1",
        [typeof(ApplicationEvent.Resubmitted)] = "resubmitted.v1",
        [typeof(ApplicationEvent.DeemedWithdrawn)] = "deemed-withdrawn.v1",
        [typeof(ApplicationEvent.RejectedIneligible)] = "rejected-ineligible.v1",
        [typeof(ApplicationEvent.Withdrawn)] = "withdrawn.v1",
        [typeof(ApplicationEvent.Reviewed)] = "reviewed.v1",
        [typeof(ApplicationEvent.Approved)] = "approved.v1",
        [typeof(ApplicationEvent.CertificateIssued)] = "certificate-issued.v1",
        [typeof(ApplicationEvent.Disqualified)] = "disqualified.v1",
        [typeof(ApplicationEvent.RevokedForFraud)] = "revoked-for-fraud.v1",
        [typeof(PersonEvent.ApplicationFiled)] = "person-application-filed.v1",
        [typeof(PersonEvent.ApplicationOutcomeRecorded)] = "person-application-outcome-recorded.v1",
        [typeof(PersonEvent.IntegrityRecordNoted)] = "person-integrity-record-noted.v1",
        [typeof(EmployerDecider.CommitteeChosen)] = "employer-committee-chosen.v1",
        [typeof(QuotaPlaces.PlaceTaken)] = "quota-place-taken.v1",
        [typeof(IntegrityEvent.Recorded)] = "integrity-recorded.v1",
        [typeof(IntegrityEvent.Expired)] = "integrity-record-expired.v1",
        [typeof(PersonalDataDisclosed)] = "personal-data-disclosed.v1",
    };

    private static readonly Dictionary<string, Type> Types = Names.ToDictionary(p => p.Value, p => p.Key);

    public static string TypeName(object @event) => Names.TryGetValue(@event.GetType(), out var name)
        ? name
        : throw new InvalidOperationException($"{@event.GetType()} has no persisted type name; add one to {nameof(EventSerialization)}.");

    public static EventData ToEventData(object @event, EventMetadata metadata) =>
        new(Guid.NewGuid(), TypeName(@event), JsonSerializer.Serialize(@event, @event.GetType(), Options), JsonSerializer.Serialize(metadata, Options));

    /// <summary>The domain event stored in <paramref name="recorded"/>; an unknown type is an error, never silently skipped.</summary>
    public static object Deserialize(RecordedEvent recorded) => Types.TryGetValue(recorded.Type, out var type)
        ? JsonSerializer.Deserialize(recorded.Data, type, Options) ?? throw new InvalidDataException($"Event {recorded.EventId} has null data.")
        : throw new InvalidDataException($"Event {recorded.EventId} in {recorded.Stream} has unknown type '{recorded.Type}'.");

    public static EventMetadata? Metadata(RecordedEvent recorded) => JsonSerializer.Deserialize<EventMetadata>(recorded.Metadata, Options);
}
