using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary>
/// Arithmetic and comparison. <c>+</c> adds numbers, concatenates when either side is a string (null reads as
/// empty text) and joins two arrays; other arithmetic takes numbers only. <c>==</c>/<c>!=</c> compare any two
/// values structurally without conversion. Ordering compares two numbers or two strings (ordinally) and is
/// false when either side is null.
/// </summary>
internal sealed class BinaryNode(int position, BinaryOperator op, string symbol, ExpressionNode left, ExpressionNode right)
    : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope)
    {
        var a = left.Evaluate(scope);
        var b = right.Evaluate(scope);
        return op switch
        {
            BinaryOperator.Equal => JsonValue.Create(ExpressionValues.DeepEquals(a, b, scope, Position)),
            BinaryOperator.NotEqual => JsonValue.Create(!ExpressionValues.DeepEquals(a, b, scope, Position)),
            BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual =>
                JsonValue.Create(Compare(a, b, scope)),
            BinaryOperator.Add => Add(a, b, scope),
            _ => Arithmetic(a, b, scope),
        };
    }

    private bool Compare(JsonNode? a, JsonNode? b, EvaluationScope scope)
    {
        int order;
        if (ExpressionValues.KindOf(a) == JsonValueKind.Null || ExpressionValues.KindOf(b) == JsonValueKind.Null)
        {
            return false;
        }
        else if (ExpressionValues.TryGetNumber(a, out var x) && ExpressionValues.TryGetNumber(b, out var y))
        {
            if (double.IsNaN(x) || double.IsNaN(y))
            {
                return false;
            }

            order = x.CompareTo(y);
        }
        else if (ExpressionValues.TryGetString(a, out var s) && ExpressionValues.TryGetString(b, out var t))
        {
            order = string.CompareOrdinal(s, t);
        }
        else
        {
            throw MismatchError(a, b, scope, "compare");
        }

        return op switch
        {
            BinaryOperator.Less => order < 0,
            BinaryOperator.LessOrEqual => order <= 0,
            BinaryOperator.Greater => order > 0,
            _ => order >= 0,
        };
    }

    private JsonNode Add(JsonNode? a, JsonNode? b, EvaluationScope scope)
    {
        if (ExpressionValues.TryGetNumber(a, out var x) && ExpressionValues.TryGetNumber(b, out var y))
        {
            return Finite(x + y, scope);
        }

        if (ExpressionValues.TryGetString(a, out _) || ExpressionValues.TryGetString(b, out _))
        {
            return JsonValue.Create(ExpressionValues.ToText(a) + ExpressionValues.ToText(b));
        }

        if (a is JsonArray first && b is JsonArray second)
        {
            scope.Step(Position, first.Count + second.Count);
            var joined = new JsonArray();
            foreach (var element in first)
            {
                joined.Add(element?.DeepClone());
            }

            foreach (var element in second)
            {
                joined.Add(element?.DeepClone());
            }

            return joined;
        }

        throw MismatchError(a, b, scope, "add");
    }

    private JsonValue Arithmetic(JsonNode? a, JsonNode? b, EvaluationScope scope)
    {
        if (!ExpressionValues.TryGetNumber(a, out var x) || !ExpressionValues.TryGetNumber(b, out var y))
        {
            throw MismatchError(a, b, scope, $"apply '{symbol}' to");
        }

        if (y == 0 && op is BinaryOperator.Divide or BinaryOperator.Remainder)
        {
            throw scope.Error(Position, "division by zero");
        }

        return op switch
        {
            BinaryOperator.Subtract => Finite(x - y, scope),
            BinaryOperator.Multiply => Finite(x * y, scope),
            BinaryOperator.Divide => Finite(x / y, scope),
            _ => Finite(x % y, scope),
        };
    }

    private JsonValue Finite(double value, EvaluationScope scope) =>
        double.IsFinite(value) ? ExpressionValues.Number(value) : throw scope.Error(Position, $"the result of '{symbol}' is not a finite number");

    private ExpressionException MismatchError(JsonNode? a, JsonNode? b, EvaluationScope scope, string verb) =>
        scope.Error(Position, $"cannot {verb} {ExpressionValues.KindName(a)} and {ExpressionValues.KindName(b)}");
}
