using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Identity;

/// <summary>
/// Object-level authorization: which cases a caller may see and act on. A case outside the caller's scope answers
/// 404 <c>application-not-found</c> exactly like a case that does not exist, so ids cannot be probed.
/// </summary>
public static class CaseScope
{
    /// <summary>What scoping needs of a case: the filing, who filed it, and whether the committee accepted it.</summary>
    public sealed record CaseFacts(ApplicationEvent.Submitted Filing, string? FiledBy, bool BeforeCommittee);

    /// <summary>Whether <paramref name="caller"/> may see the case; <paramref name="facts"/> null = read-all roles that need none.</summary>
    public static bool Sees(Caller caller, CaseFacts facts) => caller.Role switch
    {
        Roles.System or Roles.Inspector => true,

        // The matrix already demanded the scope that names cases (cases:read) before a partner gets here.
        Roles.Partner => true,
        Roles.Applicant => facts.FiledBy == caller.Id,
        Roles.Employer => facts.Filing.Employer.Code == caller.Organisation,
        Roles.Department => facts.Filing.Employer.Department == caller.Organisation,
        Roles.Bureau => caller.Region == Caller.AllRegions || facts.Filing.Employer.Region == caller.Region,
        Roles.CommitteeOffice => facts.Filing.CommitteeId == caller.Committee,

        // An expert sees a case once the committee has accepted it for a meeting of the committee they sit on.
        Roles.Expert => facts.Filing.CommitteeId == caller.Committee && !facts.BeforeCommittee,
        _ => false,
    };

    /// <summary>Roles that see every case, so no read is needed to decide.</summary>
    public static bool SeesAll(Caller caller) => caller.Role is Roles.System or Roles.Inspector or Roles.Partner;

    /// <summary>Reads what scoping needs: the first event only, unless the caller is an expert (who needs the status too).</summary>
    public static async Task<CaseFacts?> ReadAsync(IEventStore store, Guid applicationId, Caller caller, CancellationToken cancellationToken)
    {
        var stream = Streams.Application(applicationId);
        var events = await store.ReadStreamAsync(stream, 0, caller.Role == Roles.Expert ? int.MaxValue : 1, cancellationToken);
        if (events.Count == 0 || EventSerialization.Deserialize(events[0]) is not ApplicationEvent.Submitted filing)
        {
            return null;
        }

        var beforeCommittee = true;
        if (caller.Role == Roles.Expert)
        {
            var state = ApplicationDecider.Fold(events.Select(e => (ApplicationEvent)EventSerialization.Deserialize(e)));
            beforeCommittee = state.Vote is null && state.Status != ApplicationStatus.Accepted;
        }

        return new CaseFacts(filing, EventSerialization.Metadata(events[0])?.ActorId, beforeCommittee);
    }

    /// <summary>
    /// The endpoint filter on every <c>/api/v1/applications/{id}</c> endpoint: a case outside the caller's scope is
    /// answered as not found before the handler runs, so it neither reads nor writes anything for the caller.
    /// </summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetRouteValue("id") is not string raw || !Guid.TryParse(raw, out var id)
            || http.GetEndpoint() is not RouteEndpoint endpoint
            || endpoint.RoutePattern.RawText?.StartsWith("/api/v1/applications/{id", StringComparison.Ordinal) != true)
        {
            return await next(context);
        }

        var caller = Caller.Of(http);
        if (!SeesAll(caller))
        {
            var store = http.RequestServices.GetRequiredService<IEventStore>();
            if (await ReadAsync(store, id, caller, http.RequestAborted) is { } facts && !Sees(caller, facts))
            {
                return CaseHttp.Problem(DomainErrors.ApplicationNotFound());
            }
        }

        return await next(context);
    }
}
