namespace Orchestrator.Api.Errors;

/// <summary>The manual actions on an error record; each is a route <c>POST …/{id}/{action}</c>.</summary>
internal enum ErrorActionKind
{
    Retry,
    Resolve,
    Ignore,
    Escalate,
}
