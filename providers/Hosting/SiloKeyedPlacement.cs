using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Orchestrator.Providers.Hosting;

/// <summary>Places a grain on the silo its key names (<c>SiloAddress.ToParsableString()</c>): one activation per silo,
/// for grains that answer about their silo. Placing one for a silo that is not in the cluster fails.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloKeyedPlacement : PlacementStrategy;

/// <summary>Marks a grain class for <see cref="SiloKeyedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloKeyedPlacementAttribute : PlacementAttribute
{
    public SiloKeyedPlacementAttribute()
        : base(new SiloKeyedPlacement())
    {
    }
}

/// <summary>Chooses the silo a <see cref="SiloKeyedPlacement"/> grain's key names.</summary>
internal sealed class SiloKeyedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = target.GrainIdentity.Key.ToString();
        SiloAddress silo;
        try
        {
            silo = SiloAddress.FromParsableString(key);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"Grain {target.GrainIdentity} is placed by silo, but its key '{key}' is not a silo address.", e);
        }

        if (!context.GetCompatibleSilos(target).Contains(silo))
        {
            throw new SiloUnavailableException($"Silo {silo} is not an active member of the cluster; grain {target.GrainIdentity} cannot be placed there.");
        }

        return Task.FromResult(silo);
    }
}
