using Orchestrator.Providers.Streams.Durable;

namespace Orchestrator.Providers.Hosting;

/// <summary>Durable stream agents stop with the silo's active stage, before grains are deactivated: the item each agent
/// is delivering is handled and acknowledged first.</summary>
internal sealed class StreamsLifecycle(DurableStreamProvider durable, SiloLifecycle lifecycle) : ILifecycleParticipant<ISiloLifecycle>
{
    public const string Component = "streams";

    public void Participate(ISiloLifecycle silo) =>
        silo.Subscribe(nameof(StreamsLifecycle), ServiceLifecycleStage.Active,
            _ =>
            {
                lifecycle.SetComponent(Component, "ready");
                return Task.CompletedTask;
            },
            async _ =>
            {
                await durable.StopAsync().ConfigureAwait(false);
                lifecycle.SetComponent(Component, "stopped");
            });
}
