namespace Orchestrator.Providers.Storage;

/// <summary>A part of a grain state kept in a record of its own (see <see cref="IPartedState"/>).</summary>
/// <param name="Key">The part's name within its state.</param>
/// <param name="Payload">The part as JSON; in a write, null deletes the part.</param>
public sealed record StatePart(string Key, string? Payload);
