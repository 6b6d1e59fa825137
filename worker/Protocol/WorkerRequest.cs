using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.WorkerProtocol;

/// <summary>One request line (see <see cref="WorkerOps"/>): its id, its operation and the whole object.</summary>
public sealed record WorkerRequest(long Id, string Op, JsonObject Body)
{
    /// <summary>Writes a request as one line of JSON; <paramref name="writeBody"/> adds the operation's fields.</summary>
    public static void Write(IBufferWriter<byte> buffer, long id, string op, Action<Utf8JsonWriter>? writeBody)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber(WorkerFields.Id, id);
            writer.WriteString(WorkerFields.Op, op);
            writeBody?.Invoke(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }

    /// <summary>Parses a line, or explains why it is not a request.</summary>
    public static WorkerRequest Parse(string line)
    {
        if (JsonNode.Parse(line) is not JsonObject body)
        {
            throw new FormatException("a request must be a JSON object");
        }

        var id = body[WorkerFields.Id]?.GetValue<long>() ?? throw new FormatException($"the request has no '{WorkerFields.Id}'");
        var op = body[WorkerFields.Op]?.GetValue<string>() ?? throw new FormatException($"request {id} has no '{WorkerFields.Op}'");
        return new WorkerRequest(id, op, body);
    }

    /// <summary>A text field the operation requires.</summary>
    public string Text(string name) =>
        Body[name]?.GetValue<string>() ?? throw new FormatException($"request {Id} ({Op}) has no '{name}'");

    /// <summary>A number field the operation requires.</summary>
    public long Number(string name) =>
        Body[name]?.GetValue<long>() ?? throw new FormatException($"request {Id} ({Op}) has no '{name}'");

    /// <summary>A number field, or null when absent or not a number.</summary>
    public long? OptionalNumber(string name) =>
        Body[name] is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    /// <summary>An object field the operation requires, read as <typeparamref name="T"/>.</summary>
    public T Read<T>(string name) =>
        Body[name] is { } node
            ? node.Deserialize<T>(WorkerJson.Options) ?? throw new FormatException($"request {Id} ({Op}) has a null '{name}'")
            : throw new FormatException($"request {Id} ({Op}) has no '{name}'");

    /// <summary>An object field read as <typeparamref name="T"/>, or a new one when absent.</summary>
    public T ReadOrNew<T>(string name)
        where T : class, new() =>
        Body[name] is { } node ? node.Deserialize<T>(WorkerJson.Options) ?? new T() : new T();
}
