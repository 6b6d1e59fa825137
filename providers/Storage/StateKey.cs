namespace Orchestrator.Providers.Storage;

/// <summary>A grain's identity as the stores keep it: its type name and its key, both as text.</summary>
internal readonly record struct StateKey(string GrainType, string GrainKey)
{
    public static StateKey From(GrainId grainId) => new(grainId.Type.ToString()!, grainId.Key.ToString()!);

    public override string ToString() => $"{GrainType}/{GrainKey}";
}
