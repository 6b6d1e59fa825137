namespace Orchestrator.Providers.Storage;

internal static class ViewCounts
{
    /// <summary>The slice length in whole milliseconds; at least one second.</summary>
    public static long BucketMilliseconds(TimeSpan bucket)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, TimeSpan.FromSeconds(1));
        return (long)bucket.TotalMilliseconds;
    }
}
