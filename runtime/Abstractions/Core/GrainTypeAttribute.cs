namespace Orchestrator.Runtime;

/// <summary>Gives a grain class a stable grain type name (used in grain ids and storage). Defaults to the class name
/// without a trailing <c>Grain</c>, in lower case.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}
