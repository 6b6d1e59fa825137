using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Loops.Worker;

/// <summary>A line the worker wrote: <c>{"id": n, "status": "ok" | "done" | "error" | "cancelled", "value"?, "error"?}</c>,
/// answering the request with that id.</summary>
internal sealed record WorkerReply(long Id, string Status, JsonNode? Value, string? Error)
{
    public bool IsOk => Status == "ok";

    /// <summary><c>done</c>: a producer's enumeration has no more values.</summary>
    public bool IsDone => Status == "done";

    public bool IsCancelled => Status == "cancelled";

    /// <summary><c>error</c>: the node (or the worker, for a request it cannot serve) failed; <see cref="Error"/> says why.</summary>
    public bool IsError => Status == "error";

    public static WorkerReply Parse(string line)
    {
        if (JsonNode.Parse(line) is not JsonObject message)
        {
            throw new JsonException("a reply must be a JSON object");
        }

        var id = message["id"]?.GetValue<long>() ?? throw new JsonException("the reply has no 'id'");
        var status = message["status"]?.GetValue<string>() ?? throw new JsonException($"reply {id} has no 'status'");
        message.TryGetPropertyValue("value", out var value);

        // Detached from the message, so the caller may put the value into another document.
        message.Remove("value");
        return new WorkerReply(id, status, value, message["error"]?.GetValue<string>());
    }
}
