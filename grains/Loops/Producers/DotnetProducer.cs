using System.Text.Json.Nodes;

namespace Orchestrator.Loops.Producers;

/// <summary><c>dotnet {class}</c>: a <see cref="Nodes.ProducerNode"/> drives the loop; every value it yields starts one
/// iteration, and it is not asked for the next value before that iteration's blocking part is done. When it ends the
/// loop has nothing more to do.</summary>
internal sealed class DotnetProducer(Func<CancellationToken, IAsyncEnumerable<JsonNode?>> values) : LoopProducer
{
    public override async Task RunAsync(IterateAsync iterate, PauseGate gate, CancellationToken cancellationToken)
    {
        await foreach (var value in values(cancellationToken).WithCancellation(cancellationToken))
        {
            await gate.WaitAsync(cancellationToken);
            await iterate(new LoopTrigger(value), cancellationToken);
        }
    }
}
