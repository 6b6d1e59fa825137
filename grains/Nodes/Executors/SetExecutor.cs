using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>set {values: {key: "expression"}}</c>: evaluates each expression and outputs <c>{key: value}</c>, which
/// the engine merges into the state. Non-string values (numbers, booleans, lists, mappings) are assigned as written.</summary>
internal sealed class SetExecutor : INodeExecutor
{
    public string Type => NodeTypes.Set;

    /// <inheritdoc/>
    public Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        cancellationToken.ThrowIfCancellationRequested();
        var values = NodeSettings.OptionalObject(invocation, "values")
            ?? throw new NodeExecutionException($"set node '{invocation.Node}': the setting 'values' is required.");
        var output = new JsonObject();
        foreach (var (key, value) in values)
        {
            if (!ExpressionValues.TryGetString(value, out var text))
            {
                output[key] = value?.DeepClone();
                continue;
            }

            try
            {
                output[key] = invocation.Expressions.GetExpression(text).Evaluate(invocation.Context);
            }
            catch (ExpressionException exception)
            {
                throw new NodeExecutionException($"set node '{invocation.Node}': values.{key}: {exception.Message}", exception);
            }
        }

        return Task.FromResult(NodeOutcome.Of(output));
    }
}
