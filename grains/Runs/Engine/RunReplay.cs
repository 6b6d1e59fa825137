namespace Orchestrator.Runs.Engine;

/// <summary>What a run's event log says about the run.</summary>
internal sealed record RunReplay(RunStatus Status, IReadOnlyDictionary<string, NodeStatus> Nodes);
