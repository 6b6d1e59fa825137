namespace Orchestrator.Expressions.Parsing;

/// <summary>One token: <see cref="Start"/> is its 0-based index in the source; <see cref="Text"/> is the name,
/// the decoded string, the number as written or the operator.</summary>
internal readonly record struct ExpressionToken(TokenKind Kind, int Start, string Text, double Number = 0)
{
    /// <summary>The 1-based position used in error messages.</summary>
    public int Position => Start + 1;

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => "a string",
        TokenKind.Number => $"number {Text}",
        _ => $"'{Text}'",
    };
}
