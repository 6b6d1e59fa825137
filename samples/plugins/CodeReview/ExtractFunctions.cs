using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Nodes;

namespace CodeReview;

/// <summary>Finds the functions in <c>state.code</c> (Python <c>def name(</c>, JavaScript <c>function name(</c>, C#
/// methods) and outputs <c>{functions: [names…], function_count}</c>.</summary>
public sealed partial class ExtractFunctions : BlockingNode
{
    private static readonly HashSet<string> NotMethodNames = new(StringComparer.Ordinal)
    {
        "class", "record", "struct", "interface", "new", "return", "if", "while", "for", "foreach", "switch", "using", "lock", "catch",
    };

    /// <inheritdoc/>
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var names = Find(SourceState.Code(data.State));
        JsonNode output = new JsonObject
        {
            ["functions"] = new JsonArray([.. names.Select(name => JsonValue.Create(name))]),
            ["function_count"] = names.Count,
        };
        return Task.FromResult<JsonNode?>(output);
    }

    /// <summary>The function names in <paramref name="code"/>, in order of appearance, each once.</summary>
    internal static List<string> Find(string code)
    {
        var found = new List<(int Index, string Name)>();
        foreach (var pattern in new[] { PythonFunction(), JavaScriptFunction() })
        {
            found.AddRange(pattern.Matches(code).Select(m => (m.Index, m.Groups["name"].Value)));
        }

        foreach (Match match in CSharpMethod().Matches(code))
        {
            if (!NotMethodNames.Contains(match.Groups["type"].Value) && !NotMethodNames.Contains(match.Groups["name"].Value))
            {
                found.Add((match.Index, match.Groups["name"].Value));
            }
        }

        return [.. found.OrderBy(f => f.Index).Select(f => f.Name).Distinct(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"\bdef\s+(?<name>[A-Za-z_]\w*)\s*\(")]
    private static partial Regex PythonFunction();

    [GeneratedRegex(@"\bfunction\*?\s+(?<name>[A-Za-z_$][\w$]*)\s*\(")]
    private static partial Regex JavaScriptFunction();

    [GeneratedRegex(@"^[ \t]*(?:(?:public|private|protected|internal|static|async|override|virtual|sealed|abstract)\s+)+(?<type>[\w<>\[\],.?]+)\s+(?<name>[A-Za-z_]\w*)\s*(?:<[^>\n]*>)?\s*\(", RegexOptions.Multiline)]
    private static partial Regex CSharpMethod();
}
