using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Tests.Storage;

/// <summary>A state the contract suite writes with parts of its own (<see cref="IPartedState"/>): a payload, and parts
/// by key, of which the next write carries <see cref="Changes"/>.</summary>
public sealed class PartedContractState : IPartedState
{
    public string Payload { get; set; } = "";

    /// <summary>The parts as last read.</summary>
    [JsonIgnore]
    public Dictionary<string, string> Parts { get; } = new(StringComparer.Ordinal);

    /// <summary>What the next write changes: a key and its new JSON, or null to delete it.</summary>
    [JsonIgnore]
    public IReadOnlyList<StatePart> Changes { get; set; } = [];

    /// <summary>Times the storage said the changes were written.</summary>
    [JsonIgnore]
    public int Written { get; private set; }

    public IReadOnlyList<StatePart> ChangedParts(JsonSerializerOptions json) => Changes;

    public void PartsWritten() => Written++;

    public void PartsRead(IReadOnlyList<StatePart> parts, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var part in parts)
        {
            Parts[part.Key] = part.Payload!;
        }
    }
}
