using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Expressions.Syntax;

namespace Orchestrator.Expressions;

/// <summary>
/// The built-in functions:
/// <list type="bullet">
/// <item><c>len(x)</c>: characters (Unicode code points) of a string, elements of an array, members of an object; 0 for null.</item>
/// <item><c>contains(haystack, needle)</c>: substring (ordinal) of a string, an equal element of an array, a key of an object; false for a null haystack.</item>
/// <item><c>now()</c>: the clock's current UTC time as an ISO 8601 string with milliseconds (<c>2025-01-31T09:30:00.000Z</c>), fixed-width so that strings compare in time order.</item>
/// <item><c>string(x)</c>: x as text (null is empty, objects and arrays are compact JSON).</item>
/// <item><c>number(x)</c>: a number from a number, a numeric string or a boolean (1/0); null stays null.</item>
/// <item><c>default(x, fallback)</c>: x unless it is null, else fallback (evaluated only then).</item>
/// </list>
/// </summary>
internal static class ExpressionFunctions
{
    private static readonly Dictionary<string, (ExpressionFunction Function, int Arity)> Table = new(StringComparer.Ordinal)
    {
        ["len"] = (ExpressionFunction.Len, 1),
        ["contains"] = (ExpressionFunction.Contains, 2),
        ["now"] = (ExpressionFunction.Now, 0),
        ["string"] = (ExpressionFunction.String, 1),
        ["number"] = (ExpressionFunction.Number, 1),
        ["default"] = (ExpressionFunction.Default, 2),
    };

    public static IEnumerable<string> Names => Table.Keys;

    public static bool TryFind(string name, out ExpressionFunction function, out int arity)
    {
        var found = Table.TryGetValue(name, out var entry);
        (function, arity) = entry;
        return found;
    }

    public static JsonNode? Invoke(ExpressionFunction function, IReadOnlyList<ExpressionNode> arguments, EvaluationScope scope, int position) =>
        function switch
        {
            ExpressionFunction.Len => Length(arguments[0], scope),
            ExpressionFunction.Contains => JsonValue.Create(Contains(arguments[0], arguments[1], scope, position)),
            ExpressionFunction.Now => JsonValue.Create(
                scope.Context.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            ExpressionFunction.String => JsonValue.Create(ExpressionValues.ToText(arguments[0].Evaluate(scope))),
            ExpressionFunction.Number => ToNumber(arguments[0], scope),
            ExpressionFunction.Default => arguments[0].Evaluate(scope) ?? arguments[1].Evaluate(scope),
            _ => throw scope.Error(position, $"unknown function {function}"),
        };

    private static JsonValue Length(ExpressionNode argument, EvaluationScope scope)
    {
        var value = argument.Evaluate(scope);
        return value switch
        {
            null => JsonValue.Create(0),
            JsonArray array => JsonValue.Create(array.Count),
            JsonObject obj => JsonValue.Create(obj.Count),
            _ when ExpressionValues.TryGetString(value, out var text) => JsonValue.Create(text.EnumerateRunes().Count()),
            _ => throw scope.Error(argument.Position, $"len() takes a string, array or object, not {ExpressionValues.KindName(value)}"),
        };
    }

    private static bool Contains(ExpressionNode haystackNode, ExpressionNode needleNode, EvaluationScope scope, int position)
    {
        var haystack = haystackNode.Evaluate(scope);
        var needle = needleNode.Evaluate(scope);
        switch (haystack)
        {
            case null:
                return false;
            case JsonArray array:
                foreach (var element in array)
                {
                    if (ExpressionValues.DeepEquals(element, needle, scope, position))
                    {
                        return true;
                    }
                }

                return false;
            case JsonObject obj:
                return needle is not null && obj.ContainsKey(ExpressionValues.ToText(needle));
            default:
                if (ExpressionValues.TryGetString(haystack, out var text))
                {
                    return needle is not null && text.Contains(ExpressionValues.ToText(needle), StringComparison.Ordinal);
                }

                throw scope.Error(haystackNode.Position, $"contains() searches a string, array or object, not {ExpressionValues.KindName(haystack)}");
        }
    }

    private static JsonValue? ToNumber(ExpressionNode argument, EvaluationScope scope)
    {
        var value = argument.Evaluate(scope);
        switch (ExpressionValues.KindOf(value))
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.True:
                return JsonValue.Create(1);
            case JsonValueKind.False:
                return JsonValue.Create(0);
            case JsonValueKind.Number:
                ExpressionValues.TryGetNumber(value, out var number);
                return ExpressionValues.Number(number);
            case JsonValueKind.String:
                ExpressionValues.TryGetString(value, out var text);
                if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
                {
                    return ExpressionValues.Number(parsed);
                }

                throw scope.Error(argument.Position, $"cannot convert \"{text}\" to a number");
            default:
                throw scope.Error(argument.Position, $"cannot convert {ExpressionValues.KindName(value)} to a number");
        }
    }
}
