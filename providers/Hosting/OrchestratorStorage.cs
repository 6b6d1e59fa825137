namespace Orchestrator.Providers.Hosting;

/// <summary>Names under which the silo registers our providers.</summary>
public static class OrchestratorStorage
{
    /// <summary>The grain storage provider's name: <c>[PersistentState("state", OrchestratorStorage.ProviderName)]</c>.</summary>
    public const string ProviderName = "orchestrator";
}
