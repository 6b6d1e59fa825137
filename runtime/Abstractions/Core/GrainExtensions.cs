namespace Orchestrator.Runtime;

/// <summary>Orleans-style accessors on grain instances.</summary>
public static class GrainExtensions
{
    /// <summary>The string key of the grain.</summary>
    public static string GetPrimaryKeyString(this Grain grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        return grain.GrainId.Key;
    }
}
