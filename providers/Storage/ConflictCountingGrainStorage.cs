using Orleans.Storage;

namespace Orchestrator.Providers.Storage;

/// <summary>A backend's grain storage with its ETag conflicts (<see cref="InconsistentStateException"/> from a write or
/// a clear) counted on <see cref="StateConflictMetrics"/>; the exception still reaches the grain.</summary>
internal sealed class ConflictCountingGrainStorage(IGrainStorage inner, StateConflictMetrics metrics) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState).ConfigureAwait(false);
        }
        catch (InconsistentStateException)
        {
            metrics.Conflict(stateName, "write");
            throw;
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ClearStateAsync(stateName, grainId, grainState).ConfigureAwait(false);
        }
        catch (InconsistentStateException)
        {
            metrics.Conflict(stateName, "clear");
            throw;
        }
    }
}
