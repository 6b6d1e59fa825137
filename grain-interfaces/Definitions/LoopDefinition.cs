namespace Orchestrator.Definitions;

/// <summary>A continuous loop: a producer starts each iteration and the chain of nodes processes its data.</summary>
public sealed record LoopDefinition
{
    /// <summary>Where the loop's work runs, one of <see cref="LoopPools"/>. Default <see cref="LoopPools.Async"/>.</summary>
    public string Pool { get; init; } = LoopPools.Async;

    /// <summary>What starts each iteration.</summary>
    public required ProducerDefinition Producer { get; init; }

    /// <summary>The nodes each iteration runs, in order.</summary>
    public IReadOnlyList<ChainStepDefinition> Chain { get; init; } = [];

    /// <summary>What a failed iteration does to the loop, one of <see cref="LoopErrorPolicies"/>. Default <see cref="LoopErrorPolicies.Continue"/>.</summary>
    public string OnError { get; init; } = LoopErrorPolicies.Continue;

    /// <summary>The cap on unfinished non-blocking work; 100 when absent (a loop is never unbounded).</summary>
    public int? MaxInFlight { get; init; }
}
