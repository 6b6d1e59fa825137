using Microsoft.Extensions.Options;
using Orchestrator.Definitions;
using Orchestrator.Nodes;
using Orchestrator.Providers.Streams;

using Orchestrator.Reminders;

namespace Orchestrator.Workflows;

/// <summary>Reads and validates definition text; stateless, its calls interleave.</summary>
[GrainType("definition-reader")]
internal sealed class DefinitionReaderGrain(IOptions<NodeExecutorOptions> nodes) : OrchestratorGrain, IDefinitionReaderGrain
{
    public Task<DefinitionReadResult> ReadAsync(string source, DefinitionFormat format)
    {
        ArgumentNullException.ThrowIfNull(source);
        var loaded = DefinitionLoader.Load(source, format);
        var problems = loaded.Definition is { } definition && loaded.Problems.Count == 0
            ? NodePolicy.Check(definition, nodes.Value)
            : loaded.Problems;
        return Task.FromResult(new DefinitionReadResult(loaded.Definition, problems));
    }
}
