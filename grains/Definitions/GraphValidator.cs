namespace Orchestrator.Definitions;

/// <summary>
/// Checks how nodes connect: in graph mode the entry, the edges and what the entry reaches; in DAG mode the
/// dependencies and that they have no cycle. Nodes that loops run are outside both.
/// </summary>
internal static class GraphValidator
{
    public static void Validate(WorkflowDefinition definition, ProblemCollector problems)
    {
        var loopNodes = definition.Loops.Values.SelectMany(loop => loop.Chain).Select(step => step.Node).ToHashSet(StringComparer.Ordinal);
        if (definition.IsGraph)
        {
            ValidateGraph(definition, loopNodes, problems);
        }
        else
        {
            ValidateDependencies(definition, problems);
        }
    }

    private static void ValidateGraph(WorkflowDefinition definition, HashSet<string> loopNodes, ProblemCollector problems)
    {
        var nodes = definition.Nodes;
        var entryIsValid = false;
        if (definition.Entry is null)
        {
            problems.Add("entry", "required when edges are present: the node a run starts at");
        }
        else if (!nodes.ContainsKey(definition.Entry))
        {
            problems.Add("entry", $"unknown node '{definition.Entry}'");
        }
        else
        {
            entryIsValid = true;
        }

        for (var i = 0; i < definition.Edges.Count; i++)
        {
            var edge = definition.Edges[i];
            var path = ProblemPath.Index("edges", i);
            if (edge.From.Length == 0)
            {
                problems.Add(ProblemPath.Member(path, "from"), "required: the node the edge leaves");
            }
            else if (edge.From == WorkflowDefinition.EndNode)
            {
                problems.Add(ProblemPath.Member(path, "from"), $"{WorkflowDefinition.EndNode} cannot be the source of an edge");
            }
            else if (!nodes.ContainsKey(edge.From))
            {
                problems.Add(ProblemPath.Member(path, "from"), $"unknown node '{edge.From}'");
            }

            if (edge.To.Length == 0)
            {
                problems.Add(ProblemPath.Member(path, "to"), $"required: the next node, or {WorkflowDefinition.EndNode}");
            }
            else if (edge.To != WorkflowDefinition.EndNode && !nodes.ContainsKey(edge.To))
            {
                problems.Add(ProblemPath.Member(path, "to"), $"unknown node '{edge.To}'");
            }

            problems.CheckExpression(ProblemPath.Member(path, "when"), edge.When);
        }

        foreach (var (name, node) in nodes)
        {
            if (node.DependsOn.Count > 0)
            {
                problems.Add(
                    ProblemPath.Member(ProblemPath.Member("nodes", name), "dependsOn"),
                    "cannot be combined with edges: a definition is either a graph (entry and edges) or a DAG (dependsOn)");
            }
        }

        if (!entryIsValid)
        {
            return;
        }

        var reached = new HashSet<string>(StringComparer.Ordinal) { definition.Entry! };
        var pending = new Queue<string>(reached);
        while (pending.TryDequeue(out var current))
        {
            foreach (var edge in definition.Edges)
            {
                if (edge.From == current && nodes.ContainsKey(edge.To) && reached.Add(edge.To))
                {
                    pending.Enqueue(edge.To);
                }
            }
        }

        foreach (var name in nodes.Keys)
        {
            if (!reached.Contains(name) && !loopNodes.Contains(name))
            {
                problems.Add(ProblemPath.Member("nodes", name), $"unreachable: no path of edges leads here from the entry '{definition.Entry}'");
            }
        }
    }

    private static void ValidateDependencies(WorkflowDefinition definition, ProblemCollector problems)
    {
        var nodes = definition.Nodes;
        foreach (var (name, node) in nodes)
        {
            var path = ProblemPath.Member(ProblemPath.Member("nodes", name), "dependsOn");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < node.DependsOn.Count; i++)
            {
                var dependency = node.DependsOn[i];
                if (!nodes.ContainsKey(dependency))
                {
                    problems.Add(ProblemPath.Index(path, i), $"unknown node '{dependency}'");
                }
                else if (!seen.Add(dependency))
                {
                    problems.Add(ProblemPath.Index(path, i), $"'{dependency}' is listed more than once");
                }
            }
        }

        new DependencyCycleFinder(nodes, problems).FindAll();
    }
}
