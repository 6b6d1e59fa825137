namespace Orchestrator.Api.Security;

/// <summary>Endpoint metadata: the endpoint's requests are not audited although they use a mutating verb — all of them,
/// or only those answered with <see cref="OnlyStatus"/>. For the worker protocol's traffic, which changes no person's
/// intent: an empty long poll (<c>204</c>) changes nothing, and a heartbeat only keeps a claim alive; the claims that hand
/// out a task, and the tasks' completions and failures, stay audited.</summary>
/// <param name="Reason">Why these requests are left out.</param>
/// <param name="OnlyStatus">When set, only requests answered with this status are left out.</param>
public sealed record AuditExemption(string Reason, int? OnlyStatus = null)
{
    /// <summary>True when a request answered with <paramref name="status"/> is left out; refusals (4xx, 5xx) never are.</summary>
    public bool Covers(int status) => status < 400 && (OnlyStatus is not { } only || only == status);
}
