namespace Orchestrator.Providers.Storage;

/// <summary>What a backend's writer has committed since it opened: transactions, the writes they carried (more writes than
/// transactions is group commit at work), and the time the writer spent running and committing them.</summary>
public readonly record struct CommitStatistics(long Transactions, long Writes, TimeSpan Busy);

/// <summary>A backend whose writer commits writes in batches and counts them (on <c>/metrics</c> as
/// <c>orchestrator_storage_transactions_total</c>, <c>orchestrator_storage_writes_total</c> and
/// <c>orchestrator_storage_writer_busy_seconds_total</c>).</summary>
public interface ICommitCounting
{
    /// <summary>The counts so far.</summary>
    CommitStatistics Commits { get; }
}

/// <summary>The counts a writer keeps, updated by its one writer loop and read from any thread.</summary>
internal sealed class CommitCounter
{
    private long _transactions;
    private long _writes;
    private long _busyTicks;

    public CommitStatistics Read() => new(
        Interlocked.Read(ref _transactions), Interlocked.Read(ref _writes), TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks)));

    /// <summary>Counts one committed transaction of <paramref name="writes"/> writes that took <paramref name="busy"/>.</summary>
    public void Committed(int writes, TimeSpan busy)
    {
        Interlocked.Add(ref _writes, writes);
        Interlocked.Add(ref _busyTicks, busy.Ticks);
        Interlocked.Increment(ref _transactions);
    }
}
