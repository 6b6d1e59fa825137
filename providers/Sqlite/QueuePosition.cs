namespace Orchestrator.Providers.Sqlite;

/// <summary>Where a durable queue stands, read in one query.</summary>
/// <param name="LastSequence">The last sequence appended (0 before the first).</param>
/// <param name="FirstStored">The smallest sequence still stored, or null when nothing is stored.</param>
/// <param name="MinOffset">The smallest consumer offset, 0 without consumers.</param>
/// <param name="DeadLettered">Dead letters recorded.</param>
internal readonly record struct QueuePosition(long LastSequence, long? FirstStored, long MinOffset, long DeadLettered)
{
    /// <summary>Stored items some consumer has not acknowledged (every stored item without consumers). Stored items are
    /// the run FirstStored..LastSequence, so this also holds for a consumer registered after earlier items were trimmed.</summary>
    public long Depth => FirstStored is { } first ? LastSequence - Math.Max(MinOffset, first - 1) : 0;
}
