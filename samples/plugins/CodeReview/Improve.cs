using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace CodeReview;

/// <summary>"Improves" <c>state.code</c> by adding a review comment, and counts the improvements: outputs
/// <c>{improvements: n + 1, code}</c>, which the run merges into its state for the next <see cref="Analyze"/>.</summary>
public sealed class Improve : BlockingNode
{
    /// <inheritdoc/>
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var code = SourceState.Code(data.State);
        var improvements = SourceState.Improvements(data.State) + 1;
        var marker = code.Contains("def ", StringComparison.Ordinal) ? "#" : "//";
        var comment = string.Create(CultureInfo.InvariantCulture, $"{marker} review {improvements}: checked by the code-review workflow");
        JsonNode output = new JsonObject
        {
            ["improvements"] = improvements,
            ["code"] = code.Length == 0 ? comment : $"{comment}\n{code}",
        };
        return Task.FromResult<JsonNode?>(output);
    }
}
