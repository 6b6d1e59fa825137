using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Loops;

/// <summary>Everything a <see cref="LoopRunner"/> is made from.</summary>
internal sealed record LoopRunnerSetup
{
    /// <summary>The cap on unfinished non-blocking work when the definition sets none: the loop is never unbounded.</summary>
    public const int DefaultMaxInFlight = 100;

    public required string LoopId { get; init; }

    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public required string Loop { get; init; }

    public required LoopDefinition Definition { get; init; }

    public required CachedDefinition Cached { get; init; }

    /// <summary>Names this runner's iterations apart from those of earlier runners of the loop.</summary>
    public required long Epoch { get; init; }

    public required bool StartPaused { get; init; }

    public required LoopCounters Counters { get; init; }

    /// <summary>Where the runner reserves iteration numbers before handing them out.</summary>
    public required IterationReservations Reservations { get; init; }

    public required LoopLog Log { get; init; }

    public required QueueWindow Window { get; init; }

    /// <summary>The loop's own grain, for checkpoints and state changes.</summary>
    public required ILoopEngineGrain Self { get; init; }

    public required IGrainFactory Grains { get; init; }

    public required TimeProvider Clock { get; init; }

    public required EngineOptions Engine { get; init; }

    public required ILogger Logger { get; init; }

    public int MaxInFlight => Definition.MaxInFlight ?? DefaultMaxInFlight;
}
