namespace Orchestrator.Loops;

/// <summary>Starts loop <see cref="Loop"/> of a run of <see cref="Workflow"/> version <see cref="Version"/>.</summary>
public sealed record StartLoop
{
    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public required int Version { get; init; }

    /// <summary>The loop's name in the definition's <c>loops</c>.</summary>
    public required string Loop { get; init; }
}
