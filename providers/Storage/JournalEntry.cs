namespace Orchestrator.Providers.Storage;

/// <summary>An entry of a grain's append-only journal (a run's event log, say).</summary>
/// <param name="Sequence">1, 2, … per grain; unique.</param>
/// <param name="Payload">The entry as JSON.</param>
public sealed record JournalEntry(long Sequence, string Payload);
