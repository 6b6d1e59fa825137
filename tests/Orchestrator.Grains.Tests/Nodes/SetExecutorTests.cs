using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class SetExecutorTests
{
    [Fact]
    public async Task Set_OutputsEveryEvaluatedExpression_WhenValuesReadTheState()
    {
        using var services = NodeServices.Create();
        var invocation = Invocations.Create(
            """{"type":"set","values":{"total":"state.a + state.b","big":"state.a > 1","names":"[state.name, 'x']","count":"len(state.items)"}}""",
            state: new JsonObject { ["a"] = 2, ["b"] = 3, ["name"] = "n", ["items"] = new JsonArray(1, 2, 3) });

        var outcome = await services.Registry().ExecuteAsync(invocation, CancellationToken.None);

        Assert.Equal("""{"total":5,"big":true,"names":["n","x"],"count":3}""", outcome.Output!.ToJsonString());
    }

    [Fact]
    public async Task Set_AssignsNonStringValuesAsWritten_WhenValuesAreLiterals()
    {
        using var services = NodeServices.Create();

        var outcome = await services.Registry().ExecuteAsync(
            Invocations.Create("""{"type":"set","values":{"n":5,"flag":false,"list":[1,"a"],"map":{"k":"state.x"}}}"""),
            CancellationToken.None);

        Assert.Equal("""{"n":5,"flag":false,"list":[1,"a"],"map":{"k":"state.x"}}""", outcome.Output!.ToJsonString());
    }

    [Fact]
    public async Task Set_DoesNotShareNodesWithTheState_WhenAValueCopiesPartOfIt()
    {
        using var services = NodeServices.Create();
        var state = new JsonObject { ["inner"] = new JsonObject { ["v"] = 1 } };

        var outcome = await services.Registry().ExecuteAsync(Invocations.Create("""{"type":"set","values":{"copy":"state.inner"}}""", state: state), CancellationToken.None);
        outcome.Output!["copy"]!["v"] = 2;

        Assert.Equal(1, state["inner"]!["v"]!.GetValue<int>());
    }

    [Fact]
    public async Task Set_FailsNamingTheKey_WhenAnExpressionFailsToEvaluate()
    {
        using var services = NodeServices.Create();

        var error = await Assert.ThrowsAsync<NodeExecutionException>(() => services.Registry().ExecuteAsync(
            Invocations.Create("""{"type":"set","values":{"ratio":"state.a / 0"}}""", state: new JsonObject { ["a"] = 1 }),
            CancellationToken.None));

        Assert.StartsWith("set node 'step': values.ratio: ", error.Message, StringComparison.Ordinal);
    }
}
