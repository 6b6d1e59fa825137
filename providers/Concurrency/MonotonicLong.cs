namespace Orchestrator.Providers.Concurrency;

/// <summary>Raises a shared number to a value, never lowering it, without a lock.</summary>
internal static class MonotonicLong
{
    public static void Raise(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
