using Microsoft.Extensions.Hosting;
using Orchestrator.Runtime.Hosting;

namespace Orchestrator.Api.Availability;

/// <summary>The silo's status as the API sees it. The web server stops before the silo does (in-flight requests still
/// reach grains), so the API counts as stopping from the moment the host begins to stop, before the silo itself is
/// marked <see cref="SiloStatus.Stopping"/>.</summary>
internal sealed class SiloAvailability(SiloLifecycle lifecycle, IHostApplicationLifetime lifetime)
{
    public SiloStatus Status =>
        lifecycle.Status == SiloStatus.Running && lifetime.ApplicationStopping.IsCancellationRequested
            ? SiloStatus.Stopping
            : lifecycle.Status;

    public bool IsTakingCalls => Status == SiloStatus.Running;
}
