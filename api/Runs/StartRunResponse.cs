namespace Orchestrator.Api.Runs;

/// <summary>Answer of <c>POST /api/runs</c>.</summary>
public sealed record StartRunResponse(string RunId);
