using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class NodeExecutorRegistryTests
{
    [Fact]
    public void Registry_HasAnExecutorForEveryNodeType_WhenExecutorsAreAdded()
    {
        using var services = NodeServices.Create();

        var registry = services.Registry();

        Assert.Equal(NodeTypes.All.Order(StringComparer.Ordinal), registry.Types.Order(StringComparer.Ordinal));
        Assert.All(NodeTypes.All, type => Assert.Equal(type, registry.Get(type).Type));
    }

    [Fact]
    public void Registry_FailsListingTheKnownTypes_WhenTheTypeIsUnknown()
    {
        using var services = NodeServices.Create();

        var error = Assert.Throws<NodeExecutionException>(() => services.Registry().Get("python"));

        Assert.Contains("type 'python'", error.Message, StringComparison.Ordinal);
        Assert.Contains("noop", error.Message, StringComparison.Ordinal);
        Assert.Contains("queue.push", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_UsesTheHostsExecutor_WhenOneIsRegisteredForABuiltInType()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddNodeExecutors();
        services.AddSingleton<INodeExecutor, ConstantNoop>();
        using var provider = services.BuildServiceProvider();

        var outcome = await provider.GetRequiredService<NodeExecutorRegistry>().ExecuteAsync(Invocations.Create("""{"type":"noop"}"""), CancellationToken.None);

        Assert.Equal("\"replaced\"", outcome.Output!.ToJsonString());
    }

    [Fact]
    public void AddNodeExecutors_AppliesEveryConfiguration_WhenCalledTwice()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddNodeExecutors(options => options.PluginDirectory = "first");
        services.AddNodeExecutors(options => options.MaxOutputBytes = 10);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<NodeExecutorOptions>>().Value;

        Assert.Equal("first", options.PluginDirectory);
        Assert.Equal(10, options.MaxOutputBytes);
        Assert.Equal(NodeTypes.All.Count, provider.GetServices<INodeExecutor>().Count());
    }

    private sealed class ConstantNoop : INodeExecutor
    {
        public string Type => NodeTypes.Noop;

        public Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken) =>
            Task.FromResult(NodeOutcome.Of(System.Text.Json.Nodes.JsonValue.Create("replaced")));
    }
}
