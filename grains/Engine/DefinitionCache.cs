using System.Collections.Concurrent;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Providers.Streams;
using Orchestrator.Workflows;

namespace Orchestrator.Runs.Engine;

/// <summary>Definition versions in use by runs on this silo, each with its parsed expressions (parsed once per version).</summary>
public sealed class DefinitionCache
{
    private readonly ConcurrentDictionary<(string Workflow, int Version), CachedDefinition> _entries = new();

    public CachedDefinition GetOrAdd(string workflow, int version, WorkflowDefinition definition) =>
        _entries.GetOrAdd((workflow, version), _ => new CachedDefinition(definition, new ExpressionCache()));

    public bool TryGet(string workflow, int version, out CachedDefinition? cached) => _entries.TryGetValue((workflow, version), out cached);

    /// <summary>The version from the cache, or else read from its workflow grain and cached.</summary>
    public async Task<CachedDefinition> GetAsync(IGrainFactory grains, string workflow, int version)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (TryGet(workflow, version, out var cached))
        {
            return cached!;
        }

        var (definition, stored) = await grains.GetGrain<IWorkflowGrain>(workflow).GetDefinitionAsync(version);
        return GetOrAdd(stored.Name, stored.Version, definition);
    }
}

/// <summary>A definition version and its expression cache.</summary>
public sealed record CachedDefinition(WorkflowDefinition Definition, ExpressionCache Expressions);
