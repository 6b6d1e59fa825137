namespace Orchestrator.Api.Loops;

/// <summary>Body of <c>POST /api/loops/{id}/pause</c> and <c>/stop</c> (optional).</summary>
/// <param name="Reason">Why; kept as the loop's reason and written to its log.</param>
public sealed record LoopActionRequest(string? Reason = null);
