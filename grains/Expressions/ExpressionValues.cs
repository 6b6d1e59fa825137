using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Expressions;

/// <summary>The value rules of the expression language: kinds, truthiness, numbers, text and equality.</summary>
internal static class ExpressionValues
{
    /// <summary>Integers up to 2^53 are exact in a double and are kept as integers.</summary>
    private const double MaxExactInteger = 9_007_199_254_740_992;

    private static readonly JsonSerializerOptions TextOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonValueKind KindOf(JsonNode? value) => value?.GetValueKind() ?? JsonValueKind.Null;

    public static string KindName(JsonNode? value) => KindOf(value) switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>False for null, false, 0, NaN, "", [] and {}; true for everything else.</summary>
    public static bool IsTruthy(JsonNode? value) => KindOf(value) switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => TryGetNumber(value, out var number) && number != 0 && !double.IsNaN(number),
        JsonValueKind.String => TryGetString(value, out var text) && text.Length > 0,
        JsonValueKind.Array => value!.AsArray().Count > 0,
        JsonValueKind.Object => value!.AsObject().Count > 0,
        _ => false,
    };

    public static bool TryGetNumber(JsonNode? node, out double number)
    {
        number = 0;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (value.TryGetValue(out double d))
        {
            number = d;
        }
        else if (value.TryGetValue(out long l))
        {
            number = l;
        }
        else if (value.TryGetValue(out int i))
        {
            number = i;
        }
        else if (value.TryGetValue(out JsonElement element))
        {
            number = element.GetDouble();
        }
        else if (value.TryGetValue(out decimal m))
        {
            number = (double)m;
        }
        else
        {
            number = double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return true;
    }

    public static bool TryGetString(JsonNode? node, out string text)
    {
        text = "";
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        if (value.TryGetValue(out string? s))
        {
            text = s;
            return true;
        }

        // Values created from other CLR types (Guid, DateTime, char) read back through their JSON text.
        using var document = JsonDocument.Parse(value.ToJsonString());
        text = document.RootElement.GetString() ?? "";
        return true;
    }

    /// <summary>A number value; integral values are stored as integers so consumers read them as such.</summary>
    public static JsonValue Number(double value) =>
        Math.Abs(value) <= MaxExactInteger && value == Math.Floor(value) ? JsonValue.Create((long)value) : JsonValue.Create(value);

    public static string FormatNumber(double value) =>
        Math.Abs(value) <= MaxExactInteger && value == Math.Floor(value)
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>How a value reads inside text: null is empty, strings are themselves, objects and arrays are compact JSON.</summary>
    public static string ToText(JsonNode? value) => KindOf(value) switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.String => TryGetString(value, out var text) ? text : "",
        JsonValueKind.Number => TryGetNumber(value, out var number) ? FormatNumber(number) : "",
        _ => value!.ToJsonString(TextOptions),
    };

    /// <summary>Structural equality: numbers by value, strings ordinally, objects regardless of key order.</summary>
    public static bool DeepEquals(JsonNode? left, JsonNode? right, EvaluationScope scope, int position)
    {
        scope.Step(position);
        var kind = KindOf(left);
        var rightKind = KindOf(right);
        if (kind is JsonValueKind.True or JsonValueKind.False || rightKind is JsonValueKind.True or JsonValueKind.False)
        {
            return kind == rightKind;
        }

        if (kind != rightKind)
        {
            return false;
        }

        switch (kind)
        {
            case JsonValueKind.Number:
                TryGetNumber(left, out var a);
                TryGetNumber(right, out var b);
                return a == b;
            case JsonValueKind.String:
                TryGetString(left, out var s);
                TryGetString(right, out var t);
                return string.Equals(s, t, StringComparison.Ordinal);
            case JsonValueKind.Array:
                var leftArray = left!.AsArray();
                var rightArray = right!.AsArray();
                if (leftArray.Count != rightArray.Count)
                {
                    return false;
                }

                for (var i = 0; i < leftArray.Count; i++)
                {
                    if (!DeepEquals(leftArray[i], rightArray[i], scope, position))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                var leftObject = left!.AsObject();
                var rightObject = right!.AsObject();
                if (leftObject.Count != rightObject.Count)
                {
                    return false;
                }

                foreach (var (key, value) in leftObject)
                {
                    if (!rightObject.TryGetPropertyValue(key, out var other) || !DeepEquals(value, other, scope, position))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }
}
