namespace Orchestrator.Nodes;

/// <summary>Base of user-written nodes (<c>type: dotnet</c>, <c>class: Namespace.ClassName</c>). A node never manages its
/// own concurrency: the engine decides when and where it runs. A new instance is created per attempt, after which
/// <see cref="InitializeAsync"/> receives the configuration.</summary>
public abstract class BaseNode
{
    /// <summary>The node's configuration, set before it runs.</summary>
    public NodeConfig Config { get; private set; } = new() { Name = "" };

    /// <summary>Receives the configuration; override to validate it or open resources.</summary>
    public virtual Task InitializeAsync(NodeConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        return Task.CompletedTask;
    }
}
