using System.Text.Json.Nodes;
using Orchestrator.Definitions;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>fail {times?, message?}</c>: fails attempts 1…<c>times</c> (every attempt when <c>times</c> is absent),
/// then succeeds with output <c>{attempt}</c>. The tool for testing retries and error records.</summary>
internal sealed class FailExecutor : INodeExecutor
{
    public string Type => NodeTypes.Fail;

    /// <inheritdoc/>
    public Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        cancellationToken.ThrowIfCancellationRequested();
        var times = NodeSettings.OptionalInteger(invocation, "times");
        if (times is null || invocation.Attempt <= times)
        {
            var message = NodeSettings.OptionalText(invocation, "message")
                ?? (times is null
                    ? $"fail node: attempt {invocation.Attempt} fails (every attempt fails)"
                    : $"fail node: attempt {invocation.Attempt} of {times} fails");
            throw new NodeExecutionException(message);
        }

        return Task.FromResult(NodeOutcome.Of(new JsonObject { ["attempt"] = invocation.Attempt }));
    }
}
