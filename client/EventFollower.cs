using System.Runtime.CompilerServices;
using Orchestrator.Runs;

namespace Orchestrator.Client;

/// <summary>Follows a run's event log by reading pages after the last sequence seen: at once while pages come back full,
/// then every <see cref="IdleWait"/> doubling up to <see cref="MaxIdleWait"/> while nothing new arrives; it ends after the
/// event that ends the run, or when a page comes back empty and the run has finished (its end lies before
/// <c>after</c>).</summary>
internal static class EventFollower
{
    public const int PageSize = 500;

    public static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan MaxIdleWait = TimeSpan.FromMilliseconds(500);

    public static async IAsyncEnumerable<RunEvent> FollowAsync(
        Func<long, int, CancellationToken, Task<IReadOnlyList<RunEvent>>> readPage,
        Func<CancellationToken, Task<bool>> hasFinished,
        long after,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wait = IdleWait;
        while (true)
        {
            var page = await readPage(after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var runEvent in page)
            {
                after = runEvent.Seq;
                yield return runEvent;
                if (RunEventTypes.IsTerminal(runEvent.Type))
                {
                    yield break;
                }
            }

            if (page.Count >= PageSize)
            {
                continue;
            }

            if (page.Count == 0 && await hasFinished(cancellationToken).ConfigureAwait(false))
            {
                // Read once more: the end may have been recorded between the page and the check.
                foreach (var runEvent in await readPage(after, PageSize, cancellationToken).ConfigureAwait(false))
                {
                    yield return runEvent;
                }

                yield break;
            }

            wait = page.Count > 0 ? IdleWait : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxIdleWait.Ticks));
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }
}
