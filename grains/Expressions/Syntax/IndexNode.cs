using System.Globalization;
using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary>
/// <c>target[index]</c>: an array element (negative indexes count from the end), an object member, or a
/// string's character; null when there is no such element.
/// </summary>
internal sealed class IndexNode(int position, ExpressionNode target, ExpressionNode index) : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope)
    {
        var value = target.Evaluate(scope);
        var key = index.Evaluate(scope);
        if (ExpressionValues.TryGetString(key, out var name))
        {
            return value is JsonObject obj && obj.TryGetPropertyValue(name, out var member) ? member : null;
        }

        if (!ExpressionValues.TryGetNumber(key, out var number))
        {
            return key is null
                ? null
                : throw scope.Error(index.Position, $"an index must be a number or a string, not {ExpressionValues.KindName(key)}");
        }

        if (number != Math.Floor(number))
        {
            throw scope.Error(index.Position, $"an index must be a whole number, not {number.ToString(CultureInfo.InvariantCulture)}");
        }

        if (value is JsonArray array)
        {
            var i = number < 0 ? array.Count + number : number;
            return i >= 0 && i < array.Count ? array[(int)i] : null;
        }

        if (ExpressionValues.TryGetString(value, out var text))
        {
            var i = number < 0 ? text.Length + number : number;
            return i >= 0 && i < text.Length ? JsonValue.Create(text[(int)i].ToString()) : null;
        }

        return null;
    }
}
