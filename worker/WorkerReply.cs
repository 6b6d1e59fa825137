using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Worker;

/// <summary>One line written to standard output: <c>{"id": n, "status": "ok" | "done" | "error" | "cancelled", "value"?,
/// "error"?}</c>, answering the request with that id.</summary>
internal sealed record WorkerReply(long Id, string Status, JsonNode? Value = null, string? Error = null)
{
    public static WorkerReply Ok(long id, JsonNode? value = null) => new(id, "ok", value);

    public static WorkerReply Done(long id) => new(id, "done");

    public static WorkerReply Failed(long id, string error) => new(id, "error", Error: error);

    public static WorkerReply Cancelled(long id) => new(id, "cancelled");

    /// <summary>Writes the reply as one line of JSON (JSON escapes every line break inside strings).</summary>
    public void WriteTo(IBufferWriter<byte> buffer)
    {
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", Id);
            writer.WriteString("status", Status);
            if (Status == "ok")
            {
                writer.WritePropertyName("value");
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
                writer.WriteString("error", Error);
            }

            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }
}
