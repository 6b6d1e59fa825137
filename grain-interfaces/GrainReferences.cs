namespace Orchestrator;

/// <summary>References to string-keyed grains made without Orleans' lookup of the interface on every call:
/// <c>IGrainFactory.GetGrain&lt;T&gt;(key)</c> reads the interface's attributes by reflection each time, which took about
/// 1.5 % of a silo's CPU under the closed-loop benchmark for the two references each run makes. The grain type and the
/// interface type are taken once per interface from an ordinary reference; later references are made from them.</summary>
public static class GrainReferences
{
    /// <summary>The grain of <typeparamref name="TGrainInterface"/> under <paramref name="key"/>, as
    /// <c>GetGrain&lt;TGrainInterface&gt;(key)</c> gives it.</summary>
    public static TGrainInterface GetGrainByKey<TGrainInterface>(this IGrainFactory factory, string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (Types<TGrainInterface>.Known is { } known)
        {
            return (TGrainInterface)factory.GetGrain(GrainId.Create(known.Grain, key), known.Interface);
        }

        var grain = factory.GetGrain<TGrainInterface>(key);
        var reference = (GrainReference)(object)grain;
        Types<TGrainInterface>.Known = new GrainTypes(reference.GrainId.Type, reference.InterfaceType);
        return grain;
    }

    /// <summary>A grain type and the interface its references implement.</summary>
    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);

    /// <summary>The types of one interface, found on first use (every host of the process maps an interface to the same
    /// grain class).</summary>
    private static class Types<TGrainInterface>
    {
        public static GrainTypes? Known;
    }
}
