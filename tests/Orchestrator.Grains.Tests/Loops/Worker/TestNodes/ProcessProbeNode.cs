using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Outputs where it runs and how often its instance was initialized and run.</summary>
public sealed class ProcessProbeNode : BlockingNode
{
    private int _initializations;
    private int _runs;

    public override Task InitializeAsync(NodeConfig config, CancellationToken cancellationToken)
    {
        _initializations++;
        return base.InitializeAsync(config, cancellationToken);
    }

    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        var runs = Interlocked.Increment(ref _runs);
        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["pid"] = Environment.ProcessId,
            ["initializations"] = _initializations,
            ["runs"] = runs,
        });
    }
}
