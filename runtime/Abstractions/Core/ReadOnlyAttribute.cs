namespace Orchestrator.Runtime;

/// <summary>Marks a grain interface method that does not change the grain's state: calls to such methods may
/// interleave with each other on one activation. They never interleave with other calls.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class ReadOnlyAttribute : Attribute;
