namespace Orchestrator.Client.Workers;

/// <summary>Marks a method that handles the tasks of the task queue <see cref="Queue"/> (see
/// <see cref="OrchestratorWorker.AddHandlers"/>). The method may take a <see cref="WorkerTask"/>, a
/// <see cref="System.Text.Json.Nodes.JsonNode"/> (the task's input) and a <see cref="CancellationToken"/>, in any order,
/// and may return nothing, a value (serialized as the node's output), or a task of either.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class TaskHandlerAttribute(string queue) : Attribute
{
    /// <summary>The task queue whose tasks the method handles.</summary>
    public string Queue { get; } = queue;
}
