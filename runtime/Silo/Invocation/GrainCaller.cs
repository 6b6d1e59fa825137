using Orchestrator.Runtime.Activation;
using Orchestrator.Runtime.Hosting;

namespace Orchestrator.Runtime.Invocation;

/// <summary>Routes requests to activations. While the silo stops, only calls made from inside running turns are
/// taken, so those turns can finish.</summary>
internal sealed class GrainCaller(Catalog catalog, SiloLifecycle lifecycle, TimeProvider clock, GrainTypeRegistry registry)
{
    public TimeProvider Clock => clock;

    public void Send(GrainId grainId, GrainRequest request)
    {
        request.EnqueuedAt = clock.GetTimestamp();
        if (lifecycle.Status != SiloStatus.Running && !(lifecycle.Status == SiloStatus.Stopping && ActivationTaskScheduler.IsInsideTurn))
        {
            request.TryFail(new SiloUnavailableException($"The silo is {lifecycle.Status.ToString().ToLowerInvariant()}; call to {grainId}.{request.Name} was not taken."));
            return;
        }

        if (!registry.IsRegistered(grainId.Type))
        {
            request.TryFail(new InvalidOperationException($"No grain class is registered for grain type '{grainId.Type}' (call to {grainId}.{request.Name})."));
            return;
        }

        catalog.Deliver(grainId, request);
    }
}
