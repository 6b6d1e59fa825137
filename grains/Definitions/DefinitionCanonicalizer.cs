using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Definitions;

/// <summary>
/// The canonical JSON form of a definition and its content hash, so that "the same content again" is decidable:
/// two definitions are the same content exactly when their hashes are equal, whether they were written in JSON
/// or YAML, in any key order, with any layout or comments.
/// </summary>
/// <remarks>
/// The canonical form is the model's JSON (nodes flat, defaults filled in, absent settings left out), compact,
/// with every object's keys in ordinal order, except the node and loop maps, which keep their declared order
/// because that order means something to readers and to the engine. Numbers are written the same whatever their
/// source form: integers as integers, others in their shortest round-trip form (<c>1.0</c> and <c>1</c> are the same).
/// </remarks>
public static class DefinitionCanonicalizer
{
    private static readonly JsonSerializerOptions ModelOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns the canonical JSON text of <paramref name="definition"/>.</summary>
    public static string ToCanonicalJson(WorkflowDefinition definition) => Encoding.UTF8.GetString(ToCanonicalUtf8(definition));

    /// <summary>Returns the content hash of <paramref name="definition"/>: the lowercase hex SHA-256 of its canonical JSON.</summary>
    public static string ComputeContentHash(WorkflowDefinition definition) =>
        Convert.ToHexStringLower(SHA256.HashData(ToCanonicalUtf8(definition)));

    private static byte[] ToCanonicalUtf8(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var model = JsonSerializer.SerializeToDocument(definition, ModelOptions);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, model.RootElement, keepOrder: false, isRoot: true);
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, bool keepOrder, bool isRoot = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var properties = element.EnumerateObject();
                var ordered = keepOrder ? properties.ToList() : properties.OrderBy(property => property.Name, StringComparer.Ordinal).ToList();
                foreach (var property in ordered)
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, keepOrder: isRoot && property.Name is "nodes" or "loops");
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, keepOrder: false);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer))
                {
                    writer.WriteNumberValue(integer);
                }
                else
                {
                    var number = element.GetDouble();
                    if (Math.Abs(number) < 9.2e18 && number == Math.Floor(number))
                    {
                        writer.WriteNumberValue((long)number);
                    }
                    else
                    {
                        writer.WriteNumberValue(number);
                    }
                }

                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
