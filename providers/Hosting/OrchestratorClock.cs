namespace Orchestrator.Providers.Hosting;

/// <summary>The clock the orchestrator's grains and services read, registered under its own key so that a test can move
/// it (a fake clock) while Orleans' runtime keeps the system clock. Unless registered, it is the host's
/// <see cref="TimeProvider"/>.</summary>
public static class OrchestratorClock
{
    /// <summary>The service key: <c>[FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock</c>.</summary>
    public const string Key = "Orchestrator.Clock";
}
