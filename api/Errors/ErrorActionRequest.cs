namespace Orchestrator.Api.Errors;

/// <summary>Body of <c>POST /api/errors/{id}/retry|resolve|ignore|escalate</c> (optional).</summary>
/// <param name="By">Who acts; <c>api</c> when absent.</param>
/// <param name="Reason">Why; kept in the record's history.</param>
public sealed record ErrorActionRequest(string? By = null, string? Reason = null);
