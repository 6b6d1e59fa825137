namespace Orchestrator.Providers.Storage;

/// <summary>A row returned by a view query.</summary>
/// <param name="GrainType">The type of the grain that owns the row.</param>
/// <param name="GrainKey">The key of the grain that owns the row.</param>
/// <param name="Key1">The row's first key.</param>
/// <param name="Key2">The row's second key.</param>
/// <param name="SortAt">The row's time.</param>
/// <param name="Payload">The row's JSON summary.</param>
public sealed record ViewResultRow(string GrainType, string GrainKey, string Key1, string Key2, DateTimeOffset SortAt, string Payload)
{
    /// <summary>The grain that owns the row.</summary>
    public GrainId GrainId => GrainId.Create(GrainType, GrainKey);
}
