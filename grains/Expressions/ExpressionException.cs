namespace Orchestrator.Expressions;

/// <summary>
/// An expression or template that cannot be parsed or evaluated. The message names the problem, the 1-based
/// position in the text and the text itself, e.g. <c>expected ')' but found end of expression at position 12 in 'len(state.x'</c>.
/// </summary>
public sealed class ExpressionException : Exception
{
    private const int MaxQuotedLength = 160;

    /// <summary>Creates an exception with a generic message.</summary>
    public ExpressionException()
        : this("The expression is invalid.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and no position.</summary>
    public ExpressionException(string message)
        : base(message)
    {
        Expression = "";
        Detail = message;
    }

    /// <summary>Creates an exception with <paramref name="message"/>, no position, and the exception that caused it.</summary>
    public ExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Expression = "";
        Detail = message;
    }

    /// <summary>Creates an exception for <paramref name="detail"/> at the 1-based <paramref name="position"/> in <paramref name="expression"/>.</summary>
    public ExpressionException(string expression, int position, string detail)
        : base($"{detail} at position {position} in '{Quote(expression, position)}'")
    {
        Expression = expression;
        Position = position;
        Detail = detail;
    }

    /// <summary>The whole expression or template text.</summary>
    public string Expression { get; }

    /// <summary>The 1-based character position the problem was found at (one past the end for a premature end).</summary>
    public int Position { get; }

    /// <summary>What is wrong, without the position and text.</summary>
    public string Detail { get; }

    private static string Quote(string expression, int position)
    {
        if (expression.Length <= MaxQuotedLength)
        {
            return expression;
        }

        var start = Math.Clamp(position - (MaxQuotedLength / 2), 0, expression.Length - MaxQuotedLength);
        var prefix = start > 0 ? "…" : "";
        var suffix = start + MaxQuotedLength < expression.Length ? "…" : "";
        return string.Concat(prefix, expression.AsSpan(start, MaxQuotedLength), suffix);
    }
}
