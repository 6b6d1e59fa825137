using System.Text.Json;
using Orchestrator.Definitions;

namespace Orchestrator.Nodes;

/// <summary>What nodes may do on a silo reachable beyond loopback (<see cref="NodeExecutorOptions.Restricted"/>):
/// <c>shell</c> nodes run only the programs <see cref="NodeExecutorOptions.ShellAllow"/> names. Checked when a
/// definition is stored, and again when a node runs (for definitions stored before the silo was exposed).</summary>
public static class NodePolicy
{
    /// <summary>Every node of <paramref name="definition"/> the policy refuses, with its path.</summary>
    public static IReadOnlyList<DefinitionProblem> Check(WorkflowDefinition definition, NodeExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Restricted)
        {
            return [];
        }

        var problems = new List<DefinitionProblem>();
        foreach (var (name, node) in definition.Nodes)
        {
            if (node.Type != NodeTypes.Shell)
            {
                continue;
            }

            if (options.ShellAllow.Count == 0)
            {
                problems.Add(new DefinitionProblem(
                    $"nodes.{name}.type",
                    "shell nodes are refused: the silo listens beyond loopback and --shell-allow names no program it may run"));
            }
            else if (node.GetConfig("command") is { ValueKind: JsonValueKind.Array } command
                && command.GetArrayLength() > 0
                && command[0] is { ValueKind: JsonValueKind.String } program
                && !ShellAllowed(program.GetString()!, options))
            {
                problems.Add(new DefinitionProblem(
                    $"nodes.{name}.command[0]",
                    $"'{program.GetString()}' is not a program --shell-allow names ({string.Join(", ", options.ShellAllow)})"));
            }
        }

        return problems;
    }

    /// <summary>True when a <c>shell</c> node may start <paramref name="program"/>: always on loopback, else only a
    /// path <see cref="NodeExecutorOptions.ShellAllow"/> names exactly.</summary>
    public static bool ShellAllowed(string program, NodeExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !options.Restricted || options.ShellAllow.Contains(program, StringComparer.Ordinal);
    }
}
