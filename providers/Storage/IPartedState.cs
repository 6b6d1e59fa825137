using System.Text.Json;

namespace Orchestrator.Providers.Storage;

/// <summary>Implemented by a grain state type that keeps large, slowly changing parts of itself in records of their own,
/// so that a write carries only the parts that changed instead of the whole state. The parts are written in the same
/// transaction as the state and under its ETag; they are read with it and removed with it.</summary>
public interface IPartedState
{
    /// <summary>The parts changed since they were last read or written (a null payload deletes a part). Changes nothing:
    /// the write may fail.</summary>
    IReadOnlyList<StatePart> ChangedParts(JsonSerializerOptions json);

    /// <summary>Called once the parts last returned by <see cref="ChangedParts"/> are durable.</summary>
    void PartsWritten();

    /// <summary>Called after the state was read, with every part stored with it.</summary>
    void PartsRead(IReadOnlyList<StatePart> parts, JsonSerializerOptions json);
}
