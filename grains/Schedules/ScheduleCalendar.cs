namespace Orchestrator.Schedules;

/// <summary>When a schedule fires: its occurrences as UTC instants.</summary>
internal abstract class ScheduleCalendar
{
    /// <summary>How many occurrences <see cref="Due"/> walks one by one before it jumps to the tail.</summary>
    internal const int ScanLimit = 100_000;

    /// <summary>Where <see cref="Due"/> looks for the tail after a long outage of a dense schedule.</summary>
    private static readonly TimeSpan TailWindow = TimeSpan.FromDays(1);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    public abstract DateTimeOffset? NextAfter(DateTimeOffset after);

    /// <summary>The occurrences from <paramref name="first"/> (an occurrence) up to and including <paramref name="now"/>:
    /// how many there are and the latest <paramref name="keep"/> of them, oldest first.</summary>
    public virtual DueOccurrences Due(DateTimeOffset first, DateTimeOffset now, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var tail = new Queue<DateTimeOffset>(keep);
        long count = 0;
        DateTimeOffset? next = first;
        while (next is { } occurrence && occurrence <= now && count < ScanLimit)
        {
            Keep(tail, occurrence, keep);
            count++;
            next = NextAfter(occurrence);
        }

        if (next is { } beyond && beyond <= now)
        {
            // Too many to walk (a per-second cron after a long outage): the count is a lower bound, the tail exact.
            tail.Clear();
            next = NextAfter(now - TailWindow);
            while (next is { } occurrence && occurrence <= now)
            {
                Keep(tail, occurrence, keep);
                next = NextAfter(occurrence);
            }

            return new DueOccurrences([.. tail], count, CountIsLowerBound: true);
        }

        return new DueOccurrences([.. tail], count, CountIsLowerBound: false);
    }

    private static void Keep(Queue<DateTimeOffset> tail, DateTimeOffset occurrence, int keep)
    {
        if (tail.Count == keep)
        {
            tail.Dequeue();
        }

        tail.Enqueue(occurrence);
    }
}
