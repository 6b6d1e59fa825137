namespace Orchestrator.Runtime;

/// <summary>Identity of a stream: a namespace (what kind of traffic) and a key (which one).</summary>
public readonly record struct StreamId(string Namespace, string Key)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Namespace}/{Key}";
}
