namespace Orchestrator.Runtime;

/// <summary>Hands out references to grains. A reference is cheap; the grain is activated on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain implementing <typeparamref name="TGrainInterface"/> with this key.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;

    /// <summary>Returns a reference to the grain of an explicit grain type (for interfaces with several implementations).</summary>
    TGrainInterface GetGrain<TGrainInterface>(string grainType, string key)
        where TGrainInterface : IGrainWithStringKey;
}
