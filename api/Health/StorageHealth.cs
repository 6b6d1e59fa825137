namespace Orchestrator.Api.Health;

/// <summary>The storage part of the health report.</summary>
/// <param name="Provider">The backend's name (<c>memory</c>, <c>sqlite</c>, <c>postgres</c>).</param>
/// <param name="Status"><c>ok</c> when it answered a trivial query in time, else <c>error</c> or <c>timeout</c>.</param>
/// <param name="Error">What went wrong; absent when it answered.</param>
internal sealed record StorageHealth(string Provider, string Status, string? Error)
{
    public const string Ok = "ok";
}
