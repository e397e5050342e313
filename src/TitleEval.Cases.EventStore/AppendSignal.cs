namespace TitleEval.Cases.EventStore;

/// <summary>
/// Wakes in-process subscribers as soon as an append commits, so they need not poll fast.
/// Appends from other processes are found by the subscribers' poll interval.
/// </summary>
internal sealed class AppendSignal
{
    private TaskCompletionSource next = NewSource();

    public void Notify() => Interlocked.Exchange(ref next, NewSource()).TrySetResult();

    public async Task WaitAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var signalled = Volatile.Read(ref next).Task;
        try
        {
            await signalled.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing appended here in the meantime; the caller polls the store.
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
