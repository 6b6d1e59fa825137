using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Nodes;

namespace Orchestrator.Loops.Steps;

/// <summary>A node run by its type's executor (every type but <c>dotnet</c>): its settings are rendered for each attempt
/// with <c>data</c>, <c>iteration</c> and <c>attempt</c>.</summary>
internal sealed class ExecutorStep(string node, NodeDefinition definition, bool blocking, INodeExecutor executor, LoopStepContext context)
    : LoopStep(node, definition, blocking)
{
    public override Task<NodeOutcome> RunAsync(LoopAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var expressions = new ExpressionContext
        {
            Data = attempt.Data,
            Iteration = attempt.Iteration,
            Attempt = attempt.Attempt,
            Clock = context.Clock,
        };
        JsonObject config;
        try
        {
            config = NodeConfigRenderer.Render(Definition, expressions, context.Expressions);
        }
        catch (ExpressionException e)
        {
            throw new NodeExecutionException($"configuration: {e.Message}", e);
        }

        return executor.ExecuteAsync(
            new NodeInvocation
            {
                RunId = context.RunId,
                Workflow = context.Workflow,
                Node = Node,
                Definition = Definition,
                Config = config,
                Context = expressions,
                Expressions = context.Expressions,
                Iteration = (int)Math.Min(attempt.Iteration, int.MaxValue),
                Attempt = attempt.Attempt,
                LoopId = context.LoopId,
                IterationToken = attempt.IterationToken,
                IdempotencyKey = context.IdempotencyKey(Node, attempt),
            },
            cancellationToken);
    }
}
