using Microsoft.Extensions.Hosting;
using Orchestrator.Providers.Hosting;

namespace Orchestrator.Api.Availability;

/// <summary>The silo's status as the API sees it. The web server stops before the silo does (in-flight requests still
/// reach grains), so the API counts as stopping from the moment the host begins to stop, before the silo itself is
/// marked <see cref="SiloPhase.Stopping"/>.</summary>
internal sealed class SiloAvailability(SiloLifecycle lifecycle, IHostApplicationLifetime lifetime)
{
    public SiloPhase Status =>
        lifecycle.Status == SiloPhase.Running && lifetime.ApplicationStopping.IsCancellationRequested
            ? SiloPhase.Stopping
            : lifecycle.Status;

    public bool IsTakingCalls => Status == SiloPhase.Running;
}
