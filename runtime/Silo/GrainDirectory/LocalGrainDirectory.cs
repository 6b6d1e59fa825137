using System.Collections.Concurrent;

namespace Orchestrator.Runtime.GrainDirectory;

/// <summary>The directory of a single silo: every activation is local.</summary>
internal sealed class LocalGrainDirectory : IGrainDirectory
{
    private readonly ConcurrentDictionary<GrainId, string> _owners = new();

    public ValueTask<string> RegisterAsync(GrainId grainId, string silo, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_owners.GetOrAdd(grainId, silo));

    public ValueTask UnregisterAsync(GrainId grainId, string silo, CancellationToken cancellationToken)
    {
        _owners.TryRemove(new KeyValuePair<GrainId, string>(grainId, silo));
        return ValueTask.CompletedTask;
    }

    public ValueTask<string?> LookupAsync(GrainId grainId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_owners.TryGetValue(grainId, out var silo) ? silo : null);
}
