using Orchestrator.Runs.Engine;

namespace Orchestrator.History;

/// <summary>Keeps one queue's or loop's samples in its journal, one entry per slot, for the retention.</summary>
[GrainType(HistorySeries.GrainType)]
internal sealed class HistoryGrain(
    [PersistentState("history")] IPersistentState<HistoryState> store,
    EngineOptions options) : Grain, IHistoryGrain
{
    public async Task AppendAsync(DateTimeOffset at, string sample)
    {
        var sequence = HistorySeries.Sequence(at);
        if (sequence <= store.State.LastSequence)
        {
            // The slot was sampled already: by a call that was retried, or by a sampler on another silo during a failover.
            return;
        }

        store.State.Append(sequence, sample, HistorySeries.Sequence(at - options.History.Retention));
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // Nothing was written: start again from what is stored.
            await store.ReadStateAsync();
            throw;
        }
    }

    public async Task ClearAsync()
    {
        await store.ClearStateAsync();
        DeactivateOnIdle();
    }
}
