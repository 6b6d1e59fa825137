namespace Orchestrator.Api.Health;

/// <summary>The storage part of the health report.</summary>
/// <param name="Provider">The backend's name (<c>memory</c>, <c>sqlite</c>, <c>postgres</c>).</param>
/// <param name="Status"><c>ok</c> when it answered a trivial query in time and writes reach it; <c>error</c> or
/// <c>timeout</c> when the query failed; <c>writes-failing</c> when it answers but the last writes failed.</param>
/// <param name="Error">What went wrong; absent when it answered.</param>
internal sealed record StorageHealth(string Provider, string Status, string? Error)
{
    public const string Ok = "ok";

    public const string WritesFailing = "writes-failing";
}
