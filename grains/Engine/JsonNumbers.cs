using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Runs.Engine;

/// <summary>Reads numbers from JSON values whatever CLR type backs them (parsed JSON, or long/double made by expressions).</summary>
internal static class JsonNumbers
{
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue json || json.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (json.TryGetValue(out double asDouble))
        {
            value = asDouble;
            return true;
        }

        if (json.TryGetValue(out long asLong))
        {
            value = asLong;
            return true;
        }

        if (json.TryGetValue(out int asInt))
        {
            value = asInt;
            return true;
        }

        return double.TryParse(json.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}
