using System.Text.Json.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class LogExecutorTests
{
    [Fact]
    public async Task Log_OutputsAndLogsTheRenderedMessage_WhenMessageHasATemplate()
    {
        using var services = NodeServices.Create();
        var invocation = Invocations.Create("""{"type":"log","message":"score is ${state.score}"}""", state: new JsonObject { ["score"] = 7.5 });

        var outcome = await services.Registry().ExecuteAsync(invocation, CancellationToken.None);

        Assert.Equal(["score is 7.5"], outcome.Logs);
        Assert.Equal("""{"message":"score is 7.5"}""", outcome.Output!.ToJsonString());
    }

    [Fact]
    public async Task Log_WritesJson_WhenTheMessageIsALonePlaceholderOfAnObject()
    {
        using var services = NodeServices.Create();
        var invocation = Invocations.Create("""{"type":"log","message":"${state}"}""", state: new JsonObject { ["a"] = 1 });

        var outcome = await services.Registry().ExecuteAsync(invocation, CancellationToken.None);

        Assert.Equal(["""{"a":1}"""], outcome.Logs);
    }
}
