namespace Orchestrator.Reminders;

/// <summary>Base of the orchestrator's grains: the grain factory and services captured while the activation is being
/// created, so that work a grain runs outside its turns (attempts, follow-ups after a write) may use them too; Orleans
/// allows <see cref="Grain.GrainFactory"/> only inside a turn.</summary>
internal abstract class OrchestratorGrain : Grain
{
    protected OrchestratorGrain()
    {
        Factory = GrainFactory;
        Services = ServiceProvider;
    }

    /// <summary>References to other grains, usable inside and outside turns.</summary>
    protected IGrainFactory Factory { get; }

    /// <summary>The silo's services, usable inside and outside turns.</summary>
    protected IServiceProvider Services { get; }
}
