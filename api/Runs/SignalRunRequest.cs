using System.Text.Json.Nodes;

namespace Orchestrator.Api.Runs;

/// <summary>Body of <c>POST /api/runs/{id}/signal</c>.</summary>
/// <param name="Name">The state member set to <paramref name="Data"/>; when absent or empty, <paramref name="Data"/> must
/// be an object whose members are merged into the state.</param>
/// <param name="Data">The signal's value.</param>
public sealed record SignalRunRequest(string? Name = null, JsonNode? Data = null);
