using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Grains.Tests.Nodes.TestNodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class DotnetExecutorTests : IDisposable
{
    private readonly ServiceProvider _services;

    public DotnetExecutorTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<GreetingService>();
        services.AddNodeExecutors(options =>
        {
            options.PluginDirectory = Path.Combine(Path.GetTempPath(), "orchestrator-tests-no-plugins");
            options.NodeAssemblies.Add(typeof(EchoNode).Assembly);
        });
        _services = services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Dotnet_PassesConfigAndACopyOfState_WhenABlockingNodeRuns()
    {
        var state = new JsonObject { ["code"] = "x" };
        var invocation = Invocations.Create(
            $$$"""{"type":"dotnet","class":"{{{typeof(EchoNode).FullName}}}","settings":{"greeting":"hi ${state.code}","n":2}}""",
            state: state, node: "echo", attempt: 2, iteration: 3, runId: "run-5", workflow: "wf");

        var outcome = await Execute(invocation);

        var expected = JsonNode.Parse("""
            {"name":"echo","workflow":"wf","settings":{"greeting":"hi x","n":2},"greeting":"hi x",
             "value":{"code":"x"},"state":{"code":"x","touched":true},"runId":"run-5","iteration":3,"attempt":2,
             "idempotencyKey":"run-5/echo/3/2"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, outcome.Output), outcome.Output!.ToJsonString());
        Assert.False(state.ContainsKey("touched"));
    }

    [Fact]
    public async Task Dotnet_PassesTheItemAsValue_WhenTheNodeRunsForAForEachElement()
    {
        var invocation = Invocations.Create(
            $$"""{"type":"dotnet","class":"{{typeof(EchoNode).FullName}}"}""",
            state: new JsonObject { ["all"] = new JsonArray("a", "b") }, itemIndex: 1, item: JsonValue.Create("b"));

        var outcome = await Execute(invocation);

        Assert.Equal("b", outcome.Output!["value"]!.GetValue<string>());
        Assert.Equal("run-1/step/1/1/1", outcome.Output!["idempotencyKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dotnet_InjectsServicesAndDisposesTheInstance_WhenTheClassHasDependencies()
    {
        var before = ServiceUsingNode.Disposals;

        var outcome = await Execute(Invocations.Create($$"""{"type":"dotnet","class":"{{typeof(ServiceUsingNode).FullName}}"}""", node: "greeter"));

        Assert.Equal("hello greeter", outcome.Output!.GetValue<string>());
        Assert.Equal(before + 1, ServiceUsingNode.Disposals);
    }

    [Fact]
    public async Task Dotnet_OutputsTheYieldedValues_WhenTheClassIsAProducer()
    {
        var outcome = await Execute(Invocations.Create($$$"""{"type":"dotnet","class":"{{{typeof(CountingProducer).FullName}}}","settings":{"count":4}}"""));

        Assert.Equal("[1,2,3,4]", outcome.Output!.ToJsonString());
    }

    [Fact]
    public async Task Dotnet_Fails_WhenAProducerYieldsMoreThanTheLimit()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(() => Execute(Invocations.Create(
            $$$"""{"type":"dotnet","class":"{{{typeof(CountingProducer).FullName}}}","settings":{"count":{{{ProducerNode.MaxValuesInRun + 1}}}}}""")));

        Assert.Contains($"more than {ProducerNode.MaxValuesInRun} values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_FailsWithTheNodesMessage_WhenTheNodeThrows()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(() => Execute(Invocations.Create(
            $$$"""{"type":"dotnet","class":"{{{typeof(ThrowingNode).FullName}}}","settings":{"message":"database unreachable"}}""")));

        Assert.Equal("database unreachable", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public async Task Dotnet_ThrowsOperationCanceled_WhenCancelledWhileTheNodeRuns()
    {
        using var cancellation = new CancellationTokenSource();

        var running = _services.Registry().ExecuteAsync(
            Invocations.Create($$"""{"type":"dotnet","class":"{{typeof(WaitingNode).FullName}}"}"""), cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task Dotnet_FailsListingWhereItLooked_WhenTheClassIsUnknown()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Execute(Invocations.Create("""{"type":"dotnet","class":"Nowhere.MissingNode"}""")));

        Assert.Contains("'Nowhere.MissingNode' was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(EchoNode).Assembly.GetName().Name!, error.Message, StringComparison.Ordinal);
        Assert.Contains("orchestrator-tests-no-plugins' (it does not exist)", error.Message, StringComparison.Ordinal);
        Assert.Contains("assemblies loaded in the host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_SuggestsTheFullName_WhenOnlyTheNamespaceIsWrong()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Execute(Invocations.Create("""{"type":"dotnet","class":"Wrong.EchoNode"}""")));

        Assert.Contains($"Did you mean {typeof(EchoNode).FullName}?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_FailsSayingWhy_WhenTheClassIsNotANode()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Execute(Invocations.Create($$"""{"type":"dotnet","class":"{{typeof(NotANode).FullName}}"}""")));

        Assert.Contains("is not a node", error.Message, StringComparison.Ordinal);
        Assert.Contains("BlockingNode, NonBlockingNode or ProducerNode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_FindsClassesOfLoadedHostAssemblies_WhenTheyAreNotRegistered()
    {
        // The tests reference CodeReview; using one of its types loads it in the host's default context.
        Assert.NotNull(typeof(CodeReview.ExtractFunctions).Assembly);

        var outcome = await Execute(Invocations.Create(
            """{"type":"dotnet","class":"CodeReview.ExtractFunctions"}""",
            state: new JsonObject { ["code"] = "def hello(): pass\nfunction world() {}\npublic static int Add(int a, int b) => a + b;" }));

        Assert.Equal("""{"functions":["hello","world","Add"],"function_count":3}""", outcome.Output!.ToJsonString());
    }

    private Task<NodeOutcome> Execute(NodeInvocation invocation) => _services.Registry().ExecuteAsync(invocation, CancellationToken.None);
}
