namespace Orchestrator.Providers.Diagnostics;

/// <summary>Activations and calls of one grain type on this silo.</summary>
/// <param name="GrainType">The grain type name (<c>run</c>, <c>workflow</c>, …).</param>
/// <param name="Activations">Activations in the catalog now.</param>
/// <param name="ActivationsCreated">Activations created since the silo started.</param>
/// <param name="Calls">Calls completed since the silo started.</param>
/// <param name="FailedCalls">Calls of those that threw or timed out.</param>
/// <param name="AverageCallMilliseconds">Mean time the call took in the grain; 0 without calls.</param>
/// <param name="MaxCallMilliseconds">Longest call; 0 without calls.</param>
public sealed record GrainTypeStatistics(
    string GrainType,
    int Activations,
    long ActivationsCreated,
    long Calls,
    long FailedCalls,
    double AverageCallMilliseconds,
    double MaxCallMilliseconds);
