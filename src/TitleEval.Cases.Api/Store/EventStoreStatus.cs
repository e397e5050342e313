namespace TitleEval.Cases.Api.Store;

/// <summary>Whether <see cref="EventStoreInitializer"/> has initialized the event store; readiness stays false until it has.</summary>
public sealed class EventStoreStatus
{
    private volatile bool initialized;

    public bool IsInitialized => initialized;

    public void MarkInitialized() => initialized = true;
}
