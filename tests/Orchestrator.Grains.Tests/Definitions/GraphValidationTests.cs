using Orchestrator.Definitions;
using static Orchestrator.Grains.Tests.Definitions.ValidationAssert;

namespace Orchestrator.Grains.Tests.Definitions;

/// <summary>Validation of how nodes connect: graph mode (entry, edges) and DAG mode (dependsOn).</summary>
public sealed class GraphValidationTests
{
    [Fact]
    public void Validator_ReportsPath_WhenEdgeTargetsAMissingNode()
    {
        var problems = ProblemsOf(Graph("a: { type: noop }", "- { from: a, to: b }"));

        AssertProblem(problems, "edges[0].to", "unknown node 'b'");
    }

    [Fact]
    public void Validator_ReportsPath_WhenEdgeLeavesAMissingNode()
    {
        var problems = ProblemsOf(Graph("a: { type: noop }", "- { from: a, to: END }\n  - { from: ghost, to: a }"));

        AssertProblem(problems, "edges[1].from", "unknown node 'ghost'");
    }

    [Fact]
    public void Validator_AcceptsEnd_AsAnEdgeTarget()
    {
        Assert.Empty(ProblemsOf(Graph("a: { type: noop }", "- { from: a, to: END }")));
    }

    [Fact]
    public void Validator_ReportsPath_WhenEndIsAnEdgeSource()
    {
        AssertProblem(ProblemsOf(Graph("a: { type: noop }", "- { from: a, to: END }\n  - { from: END, to: a }")), "edges[1].from", "cannot be the source");
    }

    [Fact]
    public void Validator_ReportsPath_WhenDependsOnNamesAMissingNode()
    {
        var problems = ProblemsOf(Dag("a: { type: noop }\n  b: { type: noop, dependsOn: [a, ghost] }"));

        var problem = Assert.Single(problems);
        Assert.Equal("nodes.b.dependsOn[1]", problem.Path);
        Assert.Contains("unknown node 'ghost'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReportsCyclePath_WhenDependenciesFormACycle()
    {
        const string nodes = """
            a: { type: noop, dependsOn: [c] }
              b: { type: noop, dependsOn: [a] }
              c: { type: noop, dependsOn: [b] }
              d: { type: noop, dependsOn: [a] }
            """;

        var problem = Assert.Single(ProblemsOf(Dag(nodes)));

        Assert.Equal("nodes.a.dependsOn", problem.Path);
        Assert.Equal("dependency cycle: a → c → b → a (each node depends on the next)", problem.Message);
    }

    [Fact]
    public void Validator_ReportsCycle_WhenNodeDependsOnItself()
    {
        AssertProblem(ProblemsOf(Dag("a: { type: noop, dependsOn: [a] }")), "nodes.a.dependsOn", "a → a");
    }

    [Fact]
    public void Validator_AcceptsCycles_InGraphMode()
    {
        Assert.Empty(ProblemsOf(Graph("a: { type: noop }\n  b: { type: noop }", "- { from: a, to: b }\n  - { from: b, to: a, when: \"iteration < 3\" }\n  - { from: b, to: END }")));
    }

    [Fact]
    public void Validator_ReportsPath_WhenEdgesArePresentWithoutEntry()
    {
        var problems = ProblemsOf("name: g\nnodes:\n  a: { type: noop }\nedges:\n  - { from: a, to: END }\n");

        AssertProblem(problems, "entry", "required when edges are present");
    }

    [Fact]
    public void Validator_ReportsPath_WhenEntryNamesAMissingNode()
    {
        var problems = ProblemsOf("name: g\nentry: start\nnodes:\n  a: { type: noop }\nedges:\n  - { from: a, to: END }\n");

        AssertProblem(problems, "entry", "unknown node 'start'");
    }

    [Fact]
    public void Validator_ReportsPath_WhenEdgesAndDependsOnAreMixed()
    {
        var problems = ProblemsOf(Graph("a: { type: noop }\n  b: { type: noop, dependsOn: [a] }", "- { from: a, to: b }\n  - { from: b, to: END }"));

        AssertProblem(problems, "nodes.b.dependsOn", "cannot be combined with edges");
    }

    [Fact]
    public void Validator_ReportsPath_WhenNodeIsUnreachableFromEntry()
    {
        var problems = ProblemsOf(Graph("a: { type: noop }\n  b: { type: noop }\n  orphan: { type: noop }", "- { from: a, to: b }\n  - { from: b, to: END }"));

        var problem = Assert.Single(problems);
        Assert.Equal("nodes.orphan", problem.Path);
        Assert.Contains("unreachable", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReportsExpressionErrorAndPosition_WhenEdgeConditionIsInvalid()
    {
        var problems = ProblemsOf(Graph("a: { type: noop }", "- { from: a, to: END, when: \"state.score >= \" }"));

        var problem = Assert.Single(problems);
        Assert.Equal("edges[0].when", problem.Path);
        Assert.Contains("expected a value but found end of expression at position 16", problem.Message, StringComparison.Ordinal);
    }
}
