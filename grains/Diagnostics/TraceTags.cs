namespace Orchestrator.Diagnostics;

/// <summary>Attribute names of the orchestrator's spans.</summary>
public static class TraceTags
{
    public const string RunId = "orchestrator.run.id";
    public const string Workflow = "orchestrator.workflow";
    public const string WorkflowVersion = "orchestrator.workflow.version";
    public const string RunStatus = "orchestrator.run.status";
    public const string TriggeredBy = "orchestrator.run.triggered_by";
    public const string Node = "orchestrator.node";
    public const string NodeType = "orchestrator.node.type";
    public const string Attempt = "orchestrator.attempt";
    public const string Iteration = "orchestrator.iteration";
    public const string ItemIndex = "orchestrator.item_index";
    public const string IdempotencyKey = "orchestrator.idempotency_key";
    public const string Outcome = "orchestrator.outcome";
    public const string RetryDelay = "orchestrator.retry.delay_ms";
    public const string Silo = "orchestrator.silo";
    public const string LoopId = "orchestrator.loop.id";
    public const string ScheduleId = "orchestrator.schedule.id";
    public const string ErrorId = "orchestrator.error.id";
    public const string ErrorAction = "orchestrator.error.action";
    public const string Queue = "messaging.destination.name";
    public const string MessagingSystem = "messaging.system";
    public const string MessagingOperation = "messaging.operation.type";
}
