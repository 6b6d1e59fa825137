using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Nodes;

namespace CodeReview;

/// <summary>
/// Scores <c>state.code</c> and lists its issues: outputs <c>{quality_score, issues: [...]}</c>.
/// </summary>
/// <remarks>
/// The score is deterministic: <c>8 − 1.5 × issues + improvements</c>, between 0 and 10, where <c>improvements</c> is
/// <c>state.improvements</c> (how many times <see cref="Improve"/> has run). The issues looked for: no functions, no
/// comments or docstrings, stub bodies (<c>pass</c>, <c>NotImplementedException</c>), TODOs, and lines longer than the
/// setting <c>maxLineLength</c> (100 when absent). So <c>def hello(): pass</c> scores 5 (stub, no comments), and 7.5
/// once <see cref="Improve"/> has added a comment.
/// </remarks>
public sealed partial class Analyze : BlockingNode
{
    /// <inheritdoc/>
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var code = SourceState.Code(data.State);
        var issues = FindIssues(code, Config.Get("maxLineLength", 100));
        var score = Math.Clamp(8 - (1.5 * issues.Count) + SourceState.Improvements(data.State), 0, 10);
        JsonNode output = new JsonObject
        {
            ["quality_score"] = Math.Round(score, 1),
            ["issues"] = new JsonArray([.. issues.Select(issue => JsonValue.Create(issue))]),
        };
        return Task.FromResult<JsonNode?>(output);
    }

    /// <summary>The issues of <paramref name="code"/>, in a fixed order.</summary>
    internal static List<string> FindIssues(string code, int maxLineLength)
    {
        var issues = new List<string>();
        if (ExtractFunctions.Find(code).Count == 0)
        {
            issues.Add("no functions found");
        }

        if (!Comment().IsMatch(code))
        {
            issues.Add("no comments or docstrings");
        }

        if (Stub().IsMatch(code))
        {
            issues.Add("stub bodies (pass / NotImplementedException)");
        }

        if (code.Contains("TODO", StringComparison.Ordinal))
        {
            issues.Add("TODO left in the code");
        }

        var longLines = code.Split('\n').Count(line => line.TrimEnd('\r').Length > maxLineLength);
        if (longLines > 0)
        {
            issues.Add(string.Create(CultureInfo.InvariantCulture, $"{longLines} line(s) longer than {maxLineLength} characters"));
        }

        return issues;
    }

    [GeneratedRegex(@"(#|//|/\*|""""""|''')")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\bpass\b|NotImplementedException")]
    private static partial Regex Stub();
}
