namespace Orchestrator.Runs.Engine;

/// <summary>Identifies one attempt in flight: node, iteration, attempt and (forEach) element.</summary>
public readonly record struct AttemptKey(string Node, int Iteration, int Attempt, int? ItemIndex);
