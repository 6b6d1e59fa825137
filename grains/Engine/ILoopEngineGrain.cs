using System.Text.Json.Nodes;

namespace Orchestrator.Loops;

/// <summary>The loop's engine callbacks (key: <c>{runId}:{loop}</c>), on the same grain as <see cref="ILoopGrain"/>: its
/// runner checkpoints through it and error records retry through it. Internal to the grains: the API and clients see
/// <see cref="ILoopGrain"/> only.</summary>
internal interface ILoopEngineGrain : IGrainWithStringKey
{
    /// <summary>Runs <paramref name="node"/> again with the data it failed on, then the rest of the chain (an error
    /// record's retry). Completes when the blocking part is done; the record is told the outcome.</summary>
    Task RetryNodeAsync(string node, long iteration, JsonNode? input, string errorId);

    /// <summary>Called by the loop's runner: reserves iteration numbers up to <paramref name="upTo"/> durably (numbers
    /// are never handed out beyond the reservation, so none repeats after a crash); returns the reserved limit.</summary>
    Task<long> ReserveIterationsAsync(long upTo);

    /// <summary>Called by the loop's own runner: writes the loop's counters and queue position, and with a
    /// <paramref name="transition"/> pauses the loop (<see cref="LoopStatus.Paused"/>) or ends it
    /// (<see cref="LoopStatus.Stopped"/>, <see cref="LoopStatus.Error"/>) for <paramref name="reason"/>.</summary>
    Task CheckpointAsync(LoopStatus? transition, string? reason);
}
