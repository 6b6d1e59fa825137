using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Definitions;

/// <summary>Writes a <see cref="TimeSpan"/> as a duration string (<c>1h30m</c>) and reads one back; see <see cref="Duration"/>.</summary>
public sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    /// <inheritdoc/>
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A duration must be a string such as \"250ms\", \"30s\" or \"1h30m\".");
        }

        return Duration.TryParse(reader.GetString(), out var value, out var error) ? value : throw new JsonException(error);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Duration.Format(value));
    }
}
