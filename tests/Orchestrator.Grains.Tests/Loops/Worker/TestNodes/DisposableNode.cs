using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Writes the file its setting <c>marker</c> names when it is disposed.</summary>
public sealed class DisposableNode : BlockingNode, IAsyncDisposable
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>(null);

    public async ValueTask DisposeAsync() => await File.WriteAllTextAsync(Config.Get("marker", ""), "disposed");
}
