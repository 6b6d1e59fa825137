using System.Collections.Frozen;

namespace Orchestrator.Nodes;

/// <summary>The executors of every node type, by type. When two executors claim one type, the one registered last wins,
/// so a host can replace a built-in executor by registering its own <see cref="INodeExecutor"/> after
/// <see cref="NodeServiceCollectionExtensions.AddNodeExecutors"/>.</summary>
public sealed class NodeExecutorRegistry
{
    private readonly FrozenDictionary<string, INodeExecutor> _executors;

    public NodeExecutorRegistry(IEnumerable<INodeExecutor> executors)
        : this(executors, null)
    {
    }

    /// <summary>With <paramref name="secrets"/>, the executors of nodes whose settings may hold secrets
    /// (<see cref="Secrets.SecretReference.NodeTypes"/>) resolve them before they run and redact them after.</summary>
    public NodeExecutorRegistry(IEnumerable<INodeExecutor> executors, Secrets.SecretStore? secrets)
    {
        ArgumentNullException.ThrowIfNull(executors);
        var byType = new Dictionary<string, INodeExecutor>(StringComparer.Ordinal);
        foreach (var executor in executors)
        {
            byType[executor.Type] = secrets is not null && Secrets.SecretReference.NodeTypes.Contains(executor.Type)
                ? new Secrets.SecretResolvingExecutor(executor, secrets)
                : executor;
        }

        _executors = byType.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The node types that have an executor.</summary>
    public IReadOnlyCollection<string> Types => _executors.Keys;

    /// <summary>Returns the executor of <paramref name="type"/>.</summary>
    /// <exception cref="NodeExecutionException">No executor runs nodes of that type; the message lists the known types.</exception>
    public INodeExecutor Get(string type) =>
        TryGet(type, out var executor)
            ? executor
            : throw new NodeExecutionException(
                $"No executor runs nodes of type '{type}'; the known types are {string.Join(", ", _executors.Keys.Order(StringComparer.Ordinal))}.");

    /// <summary>Looks up the executor of <paramref name="type"/>.</summary>
    public bool TryGet(string type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out INodeExecutor? executor) =>
        _executors.TryGetValue(type, out executor);

    /// <summary>Runs one attempt of <paramref name="invocation"/> with the executor of its node's type.</summary>
    /// <exception cref="NodeExecutionException">The type has no executor, or the attempt failed.</exception>
    public Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        return Get(invocation.Definition.Type).ExecuteAsync(invocation, cancellationToken);
    }
}
