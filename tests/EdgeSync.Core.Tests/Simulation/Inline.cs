namespace EdgeSync.Core.Tests.Simulation;

/// <summary>Runs simulation code without a synchronization context: engine continuations then run inline on this thread, never on a test framework's context.</summary>
public static class Inline
{
    public static T Run<T>(Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return body();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
