using Orchestrator.Definitions;
using Orchestrator.Providers.Streams;

using Orchestrator.Reminders;

namespace Orchestrator.Workflows;

/// <summary>Reads and validates definition text; stateless, its calls interleave.</summary>
[GrainType("definition-reader")]
internal sealed class DefinitionReaderGrain : OrchestratorGrain, IDefinitionReaderGrain
{
    public Task<DefinitionReadResult> ReadAsync(string source, DefinitionFormat format)
    {
        ArgumentNullException.ThrowIfNull(source);
        var loaded = DefinitionLoader.Load(source, format);
        return Task.FromResult(new DefinitionReadResult(loaded.Definition, loaded.Problems));
    }
}
