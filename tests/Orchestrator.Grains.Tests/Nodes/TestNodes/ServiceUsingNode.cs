using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes.TestNodes;

/// <summary>A non-blocking node whose constructor takes a service, and which counts its disposals.</summary>
public sealed class ServiceUsingNode(GreetingService greetings) : NonBlockingNode, IDisposable
{
    private static int _disposals;

    public static int Disposals => Volatile.Read(ref _disposals);

    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) =>
        Task.FromResult<JsonNode?>(JsonValue.Create(greetings.Greet(Config.Name)));

    public void Dispose() => Interlocked.Increment(ref _disposals);
}
