namespace Orchestrator.Tasks;

/// <summary>What a heartbeat learns: whether the task's run or node was cancelled, so that the worker should stop.</summary>
public sealed record TaskHeartbeatReply(bool CancelRequested);
