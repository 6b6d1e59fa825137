using System.Text.Json.Nodes;

namespace Orchestrator.Loops.Producers;

/// <summary>What starts one iteration: the data flowing into the chain and, for a queue message, the token that names
/// the iteration across redeliveries (otherwise the runner names it <c>{epoch}.{iteration}</c>), the queue and the
/// <c>traceparent</c> of the span that pushed the message (the iteration's span links to it).</summary>
internal sealed record LoopTrigger(JsonNode? Data, string? IterationToken = null, string? Queue = null, string? TraceParent = null);

/// <summary>Runs one iteration; completes when its blocking part is done, with false when a node failed for good.</summary>
internal delegate Task<bool> IterateAsync(LoopTrigger trigger, CancellationToken cancellationToken);
