using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.WorkerProtocol;

/// <summary>One reply line: <c>{"id": n, "status": "ok" | "done" | "error" | "cancelled", "value"?, "error"?}</c>,
/// answering the request with that id.</summary>
public sealed record WorkerReply(long Id, string Status, JsonNode? Value = null, string? Error = null)
{
    public bool IsOk => Status == WorkerStatuses.Ok;

    /// <summary><c>done</c>: a producer's enumeration has no more values.</summary>
    public bool IsDone => Status == WorkerStatuses.Done;

    public bool IsCancelled => Status == WorkerStatuses.Cancelled;

    /// <summary><c>error</c>: the node (or the worker, for a request it cannot serve) failed; <see cref="Error"/> says why.</summary>
    public bool IsError => Status == WorkerStatuses.Error;

    public static WorkerReply Ok(long id, JsonNode? value = null) => new(id, WorkerStatuses.Ok, value);

    public static WorkerReply Done(long id) => new(id, WorkerStatuses.Done);

    public static WorkerReply Failed(long id, string error) => new(id, WorkerStatuses.Error, Error: error);

    public static WorkerReply Cancelled(long id) => new(id, WorkerStatuses.Cancelled);

    /// <summary>Parses a line, or throws <see cref="JsonException"/> saying why it is not a reply.</summary>
    public static WorkerReply Parse(string line)
    {
        if (JsonNode.Parse(line) is not JsonObject message)
        {
            throw new JsonException("a reply must be a JSON object");
        }

        var id = message[WorkerFields.Id]?.GetValue<long>() ?? throw new JsonException($"the reply has no '{WorkerFields.Id}'");
        var status = message[WorkerFields.Status]?.GetValue<string>() ?? throw new JsonException($"reply {id} has no '{WorkerFields.Status}'");
        message.TryGetPropertyValue(WorkerFields.Value, out var value);

        // Detached from the message, so the caller may put the value into another document.
        message.Remove(WorkerFields.Value);
        return new WorkerReply(id, status, value, message[WorkerFields.Error]?.GetValue<string>());
    }

    /// <summary>Writes the reply as one line of JSON (JSON escapes every line break inside strings).</summary>
    public void WriteTo(IBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber(WorkerFields.Id, Id);
            writer.WriteString(WorkerFields.Status, Status);
            if (IsOk)
            {
                writer.WritePropertyName(WorkerFields.Value);
                if (Value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    Value.WriteTo(writer, WorkerJson.Options);
                }
            }

            if (Error is not null)
            {
                writer.WriteString(WorkerFields.Error, Error);
            }

            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }
}
