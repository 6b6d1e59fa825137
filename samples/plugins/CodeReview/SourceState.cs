using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeReview;

/// <summary>Reads the values the code-review nodes share through the run's state.</summary>
internal static class SourceState
{
    /// <summary><c>state.code</c>, or empty when it is missing or not a string.</summary>
    public static string Code(JsonObject state) =>
        state.TryGetPropertyValue("code", out var code) && code is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : "";

    /// <summary><c>state.improvements</c>: how many times <see cref="Improve"/> has run (0 before the first time).</summary>
    public static int Improvements(JsonObject state) =>
        state.TryGetPropertyValue("improvements", out var improvements) && improvements is JsonValue value
        && value.GetValueKind() == JsonValueKind.Number
        && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var count)
            ? (int)count
            : 0;
}
