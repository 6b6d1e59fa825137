using System.Text.Json.Nodes;
using Orchestrator.Definitions;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>log {message}</c>: puts the rendered message in the run's event log; output <c>{message}</c>.</summary>
internal sealed class LogExecutor : INodeExecutor
{
    public string Type => NodeTypes.Log;

    /// <inheritdoc/>
    public Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        cancellationToken.ThrowIfCancellationRequested();
        var message = NodeSettings.RequireText(invocation, "message");
        return Task.FromResult(new NodeOutcome { Output = new JsonObject { ["message"] = message }, Logs = [message] });
    }
}
