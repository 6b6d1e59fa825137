using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Nodes;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Loops.Steps;

/// <summary>One node of a loop's chain, ready to run: its definition, mode and how an attempt is executed.</summary>
internal abstract class LoopStep(string node, NodeDefinition definition, bool blocking) : IAsyncDisposable
{
    public string Node => node;

    public NodeDefinition Definition => definition;

    public bool Blocking => blocking;

    /// <summary>The node's retry policy, parsed once.</summary>
    public RetryPolicy Retry { get; } = RetryPolicy.From(definition.Retry);

    /// <summary>The node's per-attempt timeout, parsed once; null when it has none.</summary>
    public TimeSpan? Timeout { get; } = definition.Timeout is { } text ? Duration.Parse(text) : null;

    /// <summary>Runs one attempt; throws to fail it.</summary>
    public abstract Task<NodeOutcome> RunAsync(LoopAttempt attempt, CancellationToken cancellationToken);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ReleaseAsync();
    }

    /// <summary>Releases what the subclass holds.</summary>
    protected virtual ValueTask ReleaseAsync() => ValueTask.CompletedTask;
}

/// <summary>One attempt of a chain node in a loop iteration.</summary>
/// <param name="Data">The value flowing into the node.</param>
/// <param name="Iteration">The loop's iteration number.</param>
/// <param name="IterationToken">Names the iteration across restarts.</param>
/// <param name="Attempt">1 on the first attempt.</param>
internal sealed record LoopAttempt(JsonNode? Data, long Iteration, string IterationToken, int Attempt);
