namespace Orchestrator.Definitions;

/// <summary>A depth-first search over dependsOn that reports each cycle once, as the path around it.</summary>
internal sealed class DependencyCycleFinder(IReadOnlyDictionary<string, NodeDefinition> nodes, ProblemCollector problems)
{
    private readonly Dictionary<string, bool> _visited = new(StringComparer.Ordinal);
    private readonly List<string> _stack = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    public void FindAll()
    {
        foreach (var name in nodes.Keys)
        {
            if (!_visited.ContainsKey(name))
            {
                Visit(name);
            }
        }
    }

    private void Visit(string name)
    {
        _visited[name] = false;
        _stack.Add(name);
        foreach (var dependency in nodes[name].DependsOn)
        {
            if (!nodes.ContainsKey(dependency))
            {
                continue;
            }

            if (!_visited.TryGetValue(dependency, out var finished))
            {
                Visit(dependency);
            }
            else if (!finished)
            {
                Report(dependency);
            }
        }

        _stack.RemoveAt(_stack.Count - 1);
        _visited[name] = true;
    }

    private void Report(string start)
    {
        var cycle = _stack.Skip(_stack.LastIndexOf(start)).Append(start).ToList();
        var key = string.Join("\n", cycle.Skip(1).Order(StringComparer.Ordinal));
        if (_reported.Add(key))
        {
            problems.Add(
                ProblemPath.Member(ProblemPath.Member("nodes", start), "dependsOn"),
                $"dependency cycle: {string.Join(" → ", cycle)} (each node depends on the next)");
        }
    }
}
