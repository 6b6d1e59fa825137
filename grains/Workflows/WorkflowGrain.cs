using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Definitions;
using Orchestrator.Nodes;
using Orchestrator.Providers.Streams;

using Orchestrator.Reminders;

namespace Orchestrator.Workflows;

/// <summary>A workflow: validated definitions as immutable numbered versions; the same content yields the same version.</summary>
[GrainType("workflow")]
internal sealed class WorkflowGrain(
    [PersistentState("workflow")] IPersistentState<WorkflowState> store,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    IOptions<NodeExecutorOptions> nodes) : OrchestratorGrain, IWorkflowGrain, IWorkflowEngineGrain
{
    private readonly Dictionary<int, WorkflowDefinition> _parsed = [];

    public async Task<WorkflowVersion> PutAsync(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var name = this.GetPrimaryKeyString();
        if (definition.Name != name)
        {
            throw new DefinitionInvalidException([new DefinitionProblem("name", $"must be '{name}', the workflow this definition is stored under")]);
        }

        var loaded = DefinitionLoader.Load(definition);
        if (!loaded.IsValid)
        {
            throw new DefinitionInvalidException(loaded.Problems);
        }

        if (NodePolicy.Check(definition, nodes.Value) is { Count: > 0 } refused)
        {
            throw new DefinitionInvalidException(refused);
        }

        var existing = store.State.Versions.Find(v => v.ContentHash == loaded.ContentHash);
        if (existing is not null && !store.State.Retired)
        {
            return new WorkflowVersion(name, existing.Version, existing.ContentHash, existing.CreatedAt, Created: false);
        }

        var now = clock.GetUtcNow();
        var version = existing ?? new StoredVersion(store.State.Versions.Count + 1, loaded.ContentHash!, now, loaded.CanonicalJson!);
        if (existing is null)
        {
            store.State.Versions.Add(version);
        }

        store.State.Name = name;
        store.State.Retired = false;
        store.State.UpdatedAt = now;
        await store.WriteStateAsync();
        return new WorkflowVersion(name, version.Version, version.ContentHash, version.CreatedAt, Created: existing is null);
    }

    public Task<(WorkflowDefinition Definition, WorkflowVersion Version)> GetDefinitionAsync(int? version)
    {
        var stored = Find(version);
        if (!_parsed.TryGetValue(stored.Version, out var definition))
        {
            definition = JsonSerializer.Deserialize<WorkflowDefinition>(stored.Definition, JsonSerializerOptions.Web)!;
            _parsed[stored.Version] = definition;
        }

        return Task.FromResult((definition, ToVersion(stored)));
    }

    public Task<WorkflowVersion> ResolveForRunAsync(int? version)
    {
        var stored = Find(version);
        if (store.State.Retired)
        {
            throw new WorkflowRetiredException($"Workflow '{this.GetPrimaryKeyString()}' is retired; no new runs start.");
        }

        return Task.FromResult(ToVersion(stored));
    }

    private StoredVersion Find(int? version)
    {
        var name = this.GetPrimaryKeyString();
        var versions = store.State.Versions;
        if (versions.Count == 0)
        {
            throw new WorkflowNotFoundException($"Workflow '{name}' does not exist.");
        }

        var number = version ?? versions.Count;
        if (number < 1 || number > versions.Count)
        {
            throw new WorkflowNotFoundException($"Workflow '{name}' has no version {number}; it has versions 1 to {versions.Count}.");
        }

        return versions[number - 1];
    }

    private WorkflowVersion ToVersion(StoredVersion stored) =>
        new(this.GetPrimaryKeyString(), stored.Version, stored.ContentHash, stored.CreatedAt, Created: false);

    public Task<WorkflowInfo?> GetInfoAsync() =>
        Task.FromResult(store.State.Versions.Count == 0 ? null : store.State.ToInfo());

    public async Task RetireAsync()
    {
        if (store.State.Versions.Count == 0)
        {
            throw new WorkflowNotFoundException($"Workflow '{this.GetPrimaryKeyString()}' does not exist.");
        }

        if (store.State.Retired)
        {
            return;
        }

        store.State.Retired = true;
        store.State.UpdatedAt = clock.GetUtcNow();
        await store.WriteStateAsync();
    }
}
