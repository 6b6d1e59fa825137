using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Yields 1, 2, 3… without end, recording for <see cref="ProducerProgressNode"/> how many values it yielded
/// and whether its enumeration was closed.</summary>
public sealed class RecordingProducer : ProducerNode
{
    private static int _yielded;
    private static int _closed;

    public static int Yielded => Volatile.Read(ref _yielded);

    public static bool Closed => Volatile.Read(ref _closed) == 1;

    public override async IAsyncEnumerable<JsonNode?> ProduceAsync(NodeData data, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            for (var value = 1; ; value++)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _yielded);
                yield return value;
            }
        }
        finally
        {
            Volatile.Write(ref _closed, 1);
        }
    }
}
