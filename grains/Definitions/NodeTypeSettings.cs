namespace Orchestrator.Definitions;

/// <summary>The type-specific settings each node type accepts (besides <see cref="NodeDefinition.CommonProperties"/>).</summary>
internal static class NodeTypeSettings
{
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ByType { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        [NodeTypes.Noop] = Set(),
        [NodeTypes.Delay] = Set("duration"),
        [NodeTypes.Log] = Set("message"),
        [NodeTypes.Fail] = Set("times", "message"),
        [NodeTypes.Set] = Set("values"),
        [NodeTypes.Shell] = Set("command", "env", "cwd"),
        [NodeTypes.Http] = Set("method", "url", "headers", "body"),
        [NodeTypes.DotNet] = Set("class", "settings"),
        [NodeTypes.Workflow] = Set("workflow", "input"),
        [NodeTypes.QueuePush] = Set("queue", "value"),
        [NodeTypes.Agent] = Set("url", "message", "thread"),
        [NodeTypes.Job] = Set("submit", "idPath", "status", "donePath", "successValues", "failureValues", "pollEvery", "cancel"),
        [NodeTypes.Worker] = Set("queue", "heartbeatTimeout", "input"),
    };

    /// <summary>The node types that accept <paramref name="setting"/>.</summary>
    public static IEnumerable<string> TypesAccepting(string setting) =>
        ByType.Where(entry => entry.Value.Contains(setting)).Select(entry => entry.Key);

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);
}
