using Orleans.Storage;

namespace Orchestrator.Providers.Storage;

/// <summary>A backend's grain storage, watched: ETag conflicts (<see cref="InconsistentStateException"/> from a write or
/// a clear) are counted on <see cref="StateConflictMetrics"/>, and whether writes reach the store is recorded on
/// <see cref="StorageWrites"/> when given. Exceptions still reach the grain.</summary>
internal sealed class ObservedGrainStorage(IGrainStorage inner, StateConflictMetrics metrics, StorageWrites? writes = null) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ObserveAsync(() => inner.WriteStateAsync(stateName, grainId, grainState), stateName, "write");

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ObserveAsync(() => inner.ClearStateAsync(stateName, grainId, grainState), stateName, "clear");

    private async Task ObserveAsync(Func<Task> change, string stateName, string operation)
    {
        try
        {
            await change().ConfigureAwait(false);
            writes?.Succeeded();
        }
        catch (InconsistentStateException)
        {
            // The store answered: the write was refused, not lost.
            writes?.Succeeded();
            metrics.Conflict(stateName, operation);
            throw;
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            writes?.Failed(e);
            throw;
        }
    }
}
