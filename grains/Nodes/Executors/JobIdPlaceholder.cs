using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>${job.id}</c> in a <c>job</c> node's <c>status</c> and <c>cancel</c> settings: the id of the job the
/// node submitted, known only after the submit. Those settings are rendered like any other (so <c>${state.x}</c> works
/// in them) with the placeholder escaped, so that it comes through as written; the executor then fills it in.</summary>
internal static partial class JobIdPlaceholder
{
    /// <summary>The placeholder as the rendered settings carry it.</summary>
    public const string Text = "${job.id}";

    /// <summary>The job node settings in which the placeholder may appear.</summary>
    public static IReadOnlySet<string> Settings { get; } = new HashSet<string>(StringComparer.Ordinal) { "status", "cancel" };

    /// <summary><paramref name="value"/> with every <c>${job.id}</c> escaped (<c>$${job.id}</c>), so that rendering it
    /// as a template leaves <c>${job.id}</c>.</summary>
    public static JsonElement Escape(JsonElement value) =>
        JsonSerializer.SerializeToElement(Escape(JsonSerializer.SerializeToNode(value)));

    /// <summary>Fills the placeholder in a URL: each path segment of the id is escaped, its slashes kept (a Cloud Run
    /// execution's id is a resource name, <c>projects/…/executions/…</c>).</summary>
    public static string FillUrl(string url, string jobId) =>
        url.Replace(Text, string.Join('/', jobId.Split('/').Select(Uri.EscapeDataString)), StringComparison.Ordinal);

    /// <summary>Fills the placeholder in a header's value or a body's text, as it is.</summary>
    public static string Fill(string text, string jobId) => text.Replace(Text, jobId, StringComparison.Ordinal);

    private static JsonNode? Escape(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Escape(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Escape)]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String =>
            JsonValue.Create(Pattern().Replace(value.GetValue<string>(), "$$$${job.id}")),
        _ => node?.DeepClone(),
    };

    [GeneratedRegex(@"(?<!\$)\$\{\s*job\s*\.\s*id\s*\}")]
    private static partial Regex Pattern();
}
