using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Returns only once <c>parties</c> (a setting) calls are inside it at the same time: calls that the worker ran
/// one after the other would never return.</summary>
public sealed class BarrierNode : BlockingNode
{
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public override async Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        var arrival = Interlocked.Increment(ref _arrived);
        if (arrival == Config.Get("parties", 2))
        {
            _allArrived.SetResult();
        }

        await _allArrived.Task.WaitAsync(cancellationToken);
        return arrival;
    }
}
