namespace Orchestrator.Cluster;

/// <summary>Answers for one silo, on that silo: its key is the silo's address (<c>SiloAddress.ToParsableString()</c>) and
/// it is always placed there, so any silo can ask any other how it is.</summary>
public interface ISiloInfoGrain : IGrainWithStringKey
{
    /// <summary>The silo as it sees itself.</summary>
    Task<SiloInfo> GetAsync();
}
