namespace Orchestrator.Nodes.Secrets;

/// <summary>Runs a node whose settings may hold secrets: markers are replaced by values just before
/// <paramref name="inner"/> runs, and every value is redacted from its output, progress, logs and failure message.</summary>
internal sealed class SecretResolvingExecutor(INodeExecutor inner, SecretStore secrets) : INodeExecutor
{
    public string Type => inner.Type;

    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var (config, values) = SecretReference.Resolve(invocation.Config, secrets, invocation.Node);
        if (values.Count == 0)
        {
            return await inner.ExecuteAsync(invocation, cancellationToken);
        }

        NodeOutcome outcome;
        using var scope = SecretScope.Enter(values);
        try
        {
            outcome = await inner.ExecuteAsync(invocation with { Config = config, ProgressRecorder = Redacting(invocation.ProgressRecorder, values) }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only the redacted message goes on: the original (and its inner exceptions) may quote the value.
            throw new NodeExecutionException(SecretReference.Redact(e is NodeExecutionException ? e.Message : $"{e.GetType().Name}: {e.Message}", values));
        }

        return outcome with
        {
            Output = SecretReference.Redact(outcome.Output, values),
            Logs = [.. outcome.Logs.Select(line => SecretReference.Redact(line, values))],
        };
    }

    /// <summary>Progress is stored in the run like an output: values are redacted from it too.</summary>
    private static Func<System.Text.Json.Nodes.JsonObject, bool, Task<bool>>? Redacting(
        Func<System.Text.Json.Nodes.JsonObject, bool, Task<bool>>? recorder, IReadOnlyList<string> values) =>
        recorder is null ? null : (data, waiting) => recorder((System.Text.Json.Nodes.JsonObject)SecretReference.Redact(data, values)!, waiting);
}
