using Orchestrator.Providers.Concurrency;
namespace Orchestrator.Loops;

/// <summary>Iteration numbers are reserved durably, a block at a time, before the runner hands them out, so that a loop
/// restarted after a crash never numbers an iteration as one before the crash did (it skips the rest of the block). The
/// next block is reserved while half of the current one is still left, so the runner rarely waits for a write; a block
/// covers at least <see cref="MinimumBlock"/> numbers and about two seconds of iterations at the loop's current rate.</summary>
internal sealed class IterationReservations(long reservedUpTo, Func<long, Task<long>> reserve)
{
    /// <summary>The fewest numbers one reservation covers.</summary>
    public const long MinimumBlock = 1_000;

    private long _reservedUpTo = reservedUpTo;
    private Task _topUp = Task.CompletedTask;

    /// <summary>The highest number reserved durably so far.</summary>
    public long ReservedUpTo => Interlocked.Read(ref _reservedUpTo);

    /// <summary>Completes once <paramref name="number"/> is reserved durably; starts reserving the next block early.</summary>
    public async ValueTask EnsureAsync(long number, double iterationsPerSecond, CancellationToken cancellationToken)
    {
        var block = Math.Max(MinimumBlock, (long)(iterationsPerSecond * 2));
        var reserved = ReservedUpTo;
        if (number > reserved)
        {
            await ReserveAsync(number + block).WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (reserved - number < block / 2 && _topUp.IsCompleted)
        {
            // A failure here is not lost: the number that runs past the reservation waits for a reservation of its own.
            _topUp = ReserveAsync(reserved + block).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task ReserveAsync(long upTo)
    {
        var reserved = await reserve(upTo).ConfigureAwait(false);
        MonotonicLong.Raise(ref _reservedUpTo, reserved);
    }
}
