namespace Orchestrator.Runtime;

/// <summary>On a grain constructor parameter of type <see cref="IPersistentState{TState}"/>: binds it to the stored
/// record <paramref name="stateName"/> of this grain in the storage provider <paramref name="storageName"/>
/// (the silo's default storage when null).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>Name of the state record, unique per grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>Name of the storage provider, or null for the default one.</summary>
    public string? StorageName { get; } = storageName;
}
