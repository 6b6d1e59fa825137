namespace Orchestrator.Providers.Storage;

/// <summary>Counts the rows of <paramref name="View"/> (of <paramref name="Key1"/>, when given) whose sort time is at or
/// after <paramref name="Since"/>, by <c>key2</c> and by <paramref name="Bucket"/>-long slices of their sort time.</summary>
public sealed record ViewCountQuery(string View, string? Key1, DateTimeOffset Since, TimeSpan Bucket);

/// <summary>How many rows with <paramref name="Key2"/> fall in the slice that starts at <paramref name="BucketStart"/>
/// (slices are aligned on multiples of their length since the Unix epoch).</summary>
public sealed record ViewCount(string Key2, DateTimeOffset BucketStart, long Count);
