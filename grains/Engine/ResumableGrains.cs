using Orchestrator.Loops;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Runs.Engine;

/// <summary>Activates every run or loop that is running or paused, found through its query view: an activation resumes
/// what a stopped or departed silo was doing, and one that was never lost just answers.</summary>
internal static class ResumableGrains
{
    private static readonly string[] Statuses = ["running", "paused"];

    /// <summary>Activates the resumable runs; how many answered. <paramref name="failed"/> hears of each that did not.</summary>
    public static Task<int> ActivateRunsAsync(IGrainStateQueries queries, IGrainFactory grains, Action<Exception, string> failed, CancellationToken cancellationToken) =>
        ActivateAsync(queries, RunState.RunsView, key => grains.GetGrain<IRunGrain>(key).GetAsync(), failed, cancellationToken);

    /// <summary>Activates the resumable loops; how many answered.</summary>
    public static Task<int> ActivateLoopsAsync(IGrainStateQueries queries, IGrainFactory grains, Action<Exception, string> failed, CancellationToken cancellationToken) =>
        ActivateAsync(queries, LoopState.LoopsView, key => grains.GetGrain<ILoopGrain>(key).GetAsync(), failed, cancellationToken);

    private static async Task<int> ActivateAsync(
        IGrainStateQueries queries, string view, Func<string, Task> activate, Action<Exception, string> failed, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var status in Statuses)
        {
            await foreach (var row in queries.ReadViewAsync(view, null, status, cancellationToken: cancellationToken))
            {
                try
                {
                    await activate(row.GrainKey);
                    count++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed(e, row.GrainKey);
                }
            }
        }

        return count;
    }
}
