using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orchestrator.Api.Availability;
using Orchestrator.Cluster;
using Orchestrator.Providers.Diagnostics;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Storage;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Cluster;

/// <summary>One per silo, on that silo (<see cref="SiloKeyedPlacementAttribute"/>): tells any silo's <c>/api/silos</c>
/// how this one is.</summary>
[SiloKeyedPlacement]
internal sealed class SiloInfoGrain(
    SiloAvailability availability, SiloLifecycle lifecycle, ILocalSiloDetails silo, IStorageBackend storage,
    IGrainStatistics statistics, IServer server, TimeProvider clock) : Grain, ISiloInfoGrain
{
    public Task<SiloInfo> GetAsync()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        var startedAt = lifecycle.StartedAt;
        return Task.FromResult(new SiloInfo(
            silo.Name,
            availability.Status.ToString().ToLowerInvariant(),
            addresses is { Count: > 0 } ? addresses.First() : null,
            silo.SiloAddress.ToParsableString(),
            startedAt,
            null,
            startedAt is { } since ? Math.Round((clock.GetUtcNow() - since).TotalSeconds, 3) : null,
            storage.Name,
            statistics.GetByGrainType().Sum(s => s.Activations)));
    }
}
