using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Ends its process when its input says so — <c>{"exitCode": n}</c> exits with n, <c>{"failFast": "why"}</c>
/// fails fast — and otherwise outputs its process id.</summary>
public sealed class ExitingNode : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Value?["exitCode"] is { } exitCode)
        {
            Environment.Exit(exitCode.GetValue<int>());
        }

        if (data.Value?["failFast"] is { } reason)
        {
            Environment.FailFast(reason.GetValue<string>());
        }

        return Task.FromResult<JsonNode?>(Environment.ProcessId);
    }
}
