using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Tasks;

/// <summary>Carries the ends of a queue's tasks to their runs, one call in flight per run: ends that arrive while a call
/// is under way go together in the next one (<see cref="IRunEngineGrain.NodeAttemptsFinishedAsync"/>), which the run
/// applies in one turn and one write. Used inside the queue grain's turns only (single-threaded).</summary>
internal sealed class RunDeliveries(IGrainFactory grains)
{
    private readonly Dictionary<string, List<(NodeAttemptResult Result, TaskCompletionSource Delivered)>> _pending = new(StringComparer.Ordinal);

    /// <summary>Completes once <paramref name="result"/> was applied by run <paramref name="runId"/> (or faults with why
    /// it could not be delivered).</summary>
    public Task DeliverAsync(string runId, NodeAttemptResult result)
    {
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_pending.TryGetValue(runId, out var waiting))
        {
            waiting.Add((result, delivered));
        }
        else
        {
            _pending[runId] = [(result, delivered)];
            _ = SendAsync(runId);
        }

        return delivered.Task;
    }

    private async Task SendAsync(string runId)
    {
        // Yield first, so that ends arriving in the same turn go in the first call too.
        await Task.Yield();
        while (_pending.TryGetValue(runId, out var batch) && batch.Count > 0)
        {
            _pending[runId] = [];
            try
            {
                await grains.GetGrain<IRunEngineGrain>(runId).NodeAttemptsFinishedAsync([.. batch.Select(b => b.Result)]);
                batch.ForEach(b => b.Delivered.TrySetResult());
            }
            catch (Exception e)
            {
                batch.ForEach(b => b.Delivered.TrySetException(e));
            }
        }

        _pending.Remove(runId);
    }
}
