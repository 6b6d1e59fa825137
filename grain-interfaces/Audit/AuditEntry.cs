namespace Orchestrator.Audit;

/// <summary>One mutating request, as <c>GET /api/audit</c> lists it.</summary>
/// <param name="Id">The entry's id (sortable by time).</param>
/// <param name="At">When the request was answered.</param>
/// <param name="KeyId">The API key's id; null while authentication is off.</param>
/// <param name="KeyName">The key's name.</param>
/// <param name="Role">The key's role.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Route">The route pattern (<c>/api/runs/{id}/cancel</c>).</param>
/// <param name="Target">The path as requested (<c>/api/runs/01a2…/cancel</c>).</param>
/// <param name="ClientAddress">The client's address.</param>
/// <param name="Status">The HTTP status answered.</param>
[Immutable]
public sealed record AuditEntry(
    string Id,
    DateTimeOffset At,
    string? KeyId,
    string? KeyName,
    string? Role,
    string Method,
    string Route,
    string Target,
    string? ClientAddress,
    int Status);
