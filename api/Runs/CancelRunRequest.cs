namespace Orchestrator.Api.Runs;

/// <summary>Body of <c>POST /api/runs/{id}/cancel</c> (optional).</summary>
/// <param name="Reason">Why; kept as the run's error.</param>
public sealed record CancelRunRequest(string? Reason = null);
