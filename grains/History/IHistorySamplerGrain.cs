namespace Orchestrator.History;

/// <summary>Samples every queue and every running or paused loop into their histories, once per slot for the whole
/// cluster: every silo asks it to sample each slot (<see cref="HistorySampling"/>), and it samples a slot once. One
/// activation (key <see cref="Key"/>) wherever Orleans places it; a silo that dies takes only its memory of the last
/// slot, and the next silo's call activates it elsewhere.</summary>
internal interface IHistorySamplerGrain : IGrainWithStringKey
{
    /// <summary>The key to use.</summary>
    const string Key = "cluster";

    /// <summary>Samples the slot that starts at <paramref name="slot"/>, unless it (or a later one) was sampled.</summary>
    Task SampleAsync(DateTimeOffset slot);
}
