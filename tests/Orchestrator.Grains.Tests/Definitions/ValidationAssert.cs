using Orchestrator.Definitions;

namespace Orchestrator.Grains.Tests.Definitions;

/// <summary>Builds small definitions and asserts on the problems the loader reports for them.</summary>
internal static class ValidationAssert
{
    public static IReadOnlyList<DefinitionProblem> ProblemsOf(string yaml) => DefinitionLoader.Load(yaml, DefinitionFormat.Yaml).Problems;

    public static string Dag(string nodes) => $"name: dag\nnodes:\n  {nodes}\n";

    public static string Graph(string nodes, string edges) => $"name: graph\nentry: a\nnodes:\n  {nodes}\nedges:\n  {edges}\n";

    public static string Loop(string settings)
    {
        var producer = settings.StartsWith("producer:", StringComparison.Ordinal) ? "" : "producer: { type: interval, every: 1s }, ";
        return $"name: loops\nnodes: {{ a: {{ type: noop }} }}\nloops:\n  main: {{ {producer}chain: [{{ node: a }}], {settings} }}\n";
    }

    public static void AssertProblem(IReadOnlyList<DefinitionProblem> problems, string path, string message)
    {
        Assert.True(
            problems.Any(problem => problem.Path == path && problem.Message.Contains(message, StringComparison.Ordinal)),
            $"expected a problem at '{path}' containing '{message}'; got:\n{string.Join("\n", problems)}");
    }
}
