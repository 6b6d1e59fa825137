using Orchestrator.Definitions;
using Orchestrator.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Grains.Tests.Nodes;

/// <summary>The sub-run itself is started through the run grain and covered by the run engine's tests; these pin the
/// child id convention that makes starting it again idempotent.</summary>
public sealed class WorkflowExecutorTests
{
    [Fact]
    public void SubRunId_JoinsRunNodeIterationAndAttempt_WhenTheNodeIsNotAForEachElement()
    {
        var invocation = Invocations.Create("""{"type":"workflow","workflow":"child"}""", node: "review", iteration: 2, attempt: 3, runId: "r-1");

        Assert.Equal("r-1.review.2.3", SubRunId(invocation));
    }

    [Fact]
    public void SubRunId_EndsWithTheItemIndex_WhenTheNodeRunsForAForEachElement()
    {
        Assert.Equal("r-1.review.1.1.4", RunIds.ForSubRun("r-1", "review", 1, 1, itemIndex: 4));
    }

    [Fact]
    public void SubRunId_IsTheSame_WhenTheSameAttemptStartsAgain()
    {
        var first = Invocations.Create("""{"type":"workflow","workflow":"child"}""", node: "n", attempt: 2);
        var again = Invocations.Create("""{"type":"workflow","workflow":"child"}""", node: "n", attempt: 2);
        var retry = Invocations.Create("""{"type":"workflow","workflow":"child"}""", node: "n", attempt: 3);

        Assert.Equal(SubRunId(first), SubRunId(again));
        Assert.NotEqual(SubRunId(first), SubRunId(retry));
    }

    private static string SubRunId(NodeInvocation invocation) =>
        RunIds.ForSubRun(invocation.RunId, invocation.Node, invocation.Iteration, invocation.Attempt, invocation.ItemIndex);

    [Fact]
    public async Task Workflow_FailsSayingASiloIsNeeded_WhenNoGrainFactoryIsRegistered()
    {
        using var services = NodeServices.Create();

        var error = await Assert.ThrowsAsync<NodeExecutionException>(() => services.Registry().ExecuteAsync(
            Invocations.Create("""{"type":"workflow","workflow":"child"}"""), CancellationToken.None));

        Assert.Contains("no grain factory", error.Message, StringComparison.Ordinal);
        Assert.Equal(NodeTypes.Workflow, services.Registry().Get(NodeTypes.Workflow).Type);
    }
}
