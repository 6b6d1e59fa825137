using System.Text.Json.Nodes;

namespace Orchestrator.Api.Runs;

/// <summary>Body of <c>POST /api/runs</c>.</summary>
/// <param name="Workflow">The workflow's name.</param>
/// <param name="Version">The version to run; the latest when absent.</param>
/// <param name="Input">The run's input, an object merged over the definition's default state.</param>
/// <param name="IdempotencyKey">Starting again with the same key returns the same run.</param>
/// <param name="TriggeredBy">What started the run (<c>cli</c>, <c>client</c>, …); <c>api</c> when absent.</param>
public sealed record StartRunRequest(string? Workflow, int? Version = null, JsonNode? Input = null, string? IdempotencyKey = null, string? TriggeredBy = null);
