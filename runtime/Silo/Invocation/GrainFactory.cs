using System.Collections.Concurrent;
using System.Reflection;
using Orchestrator.Runtime.Activation;

namespace Orchestrator.Runtime.Invocation;

/// <summary>Creates grain references: proxies that send each call to the grain's activation.</summary>
internal sealed class GrainFactory(GrainTypeRegistry registry, GrainCaller caller) : IGrainFactory
{
    private readonly ConcurrentDictionary<Type, string> _grainTypes = new();

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var grainType = _grainTypes.GetOrAdd(typeof(TGrainInterface), registry.GetGrainType);
        return CreateReference<TGrainInterface>(new GrainId(grainType, key));
    }

    public TGrainInterface GetGrain<TGrainInterface>(string grainType, string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(key);
        var grainClass = registry.GetClass(grainType);
        if (!typeof(TGrainInterface).IsAssignableFrom(grainClass))
        {
            throw new InvalidOperationException($"Grain type '{grainType}' ({grainClass.FullName}) does not implement {typeof(TGrainInterface).FullName}.");
        }

        return CreateReference<TGrainInterface>(new GrainId(grainType, key));
    }

    /// <summary>Sends a request to a grain without a typed reference (reminders, stream delivery).</summary>
    public void Send(GrainId grainId, GrainRequest request) => caller.Send(grainId, request);

    private TGrainInterface CreateReference<TGrainInterface>(GrainId grainId)
    {
        var proxy = DispatchProxy.Create<TGrainInterface, GrainProxy>();
        ((GrainProxy)(object)proxy!).Bind(grainId, caller);
        return proxy;
    }
}
