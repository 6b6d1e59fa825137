using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Api.Compat;

/// <summary>A request to run a graph, as seed 002 sends it: <c>{"graph_id": …, "initial_state": {…}}</c> to
/// <c>POST /graph/run</c> and <c>/graph/run/background</c>, <c>{"initial_state": {…}}</c> on the WebSocket.</summary>
/// <param name="GraphId">The workflow's name (absent on the WebSocket, whose route names it).</param>
/// <param name="InitialState">Merged over the workflow's default state (the run's input).</param>
internal sealed record GraphRunRequest(string? GraphId, JsonObject? InitialState)
{
    /// <summary>Reads a request; <paramref name="needsGraphId"/> for the HTTP routes. A problem names the field.</summary>
    public static (GraphRunRequest? Request, string? Field, string? Problem) Read(ReadOnlySpan<byte> utf8Json, bool needsGraphId)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            return (null, "body", $"the body is not valid JSON: {e.Message}");
        }

        var example = needsGraphId ? "{\"graph_id\": \"…\", \"initial_state\": {…}}" : "{\"initial_state\": {…}}";
        try
        {
            if (node is not JsonObject body)
            {
                return (null, "body", $"the body must be a JSON object such as {example}");
            }

            string? graphId = null;
            if (needsGraphId && (body["graph_id"] is not JsonValue id || !id.TryGetValue(out graphId) || string.IsNullOrWhiteSpace(graphId)))
            {
                return (null, "graph_id", "graph_id is required: the name of a graph created with POST /graph/create");
            }

            var state = body["initial_state"];
            if (state is not null and not JsonObject)
            {
                return (null, "initial_state", $"initial_state must be a JSON object, as in {example}");
            }

            return (new GraphRunRequest(graphId, (JsonObject?)state?.DeepClone()), null, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Duplicate member names surface when the object is first read.
            return (null, "body", $"the body is not a valid JSON object: {e.Message}");
        }
    }
}
