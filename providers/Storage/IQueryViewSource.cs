namespace Orchestrator.Providers.Storage;

/// <summary>Implemented by a grain state type whose writes also maintain rows of query views; the rows are written in
/// the same transaction as the state.</summary>
public interface IQueryViewSource
{
    /// <summary>The rows this state should have in the views it maintains.</summary>
    IReadOnlyList<ViewRow> GetViewRows(GrainId grainId);
}
