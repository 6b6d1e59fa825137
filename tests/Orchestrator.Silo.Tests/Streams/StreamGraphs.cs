using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests.Seeds;

namespace Orchestrator.Silo.Tests.Streams;

/// <summary>Graphs that keep a run busy, and a way to start them.</summary>
internal static class StreamGraphs
{
    /// <summary>One <c>set</c> node looping <c>state.limit</c> times (3 events per step: started, completed,
    /// transition), copying <c>state.blob</c> into its output so that events can be made as large as a test needs.</summary>
    public const string BusyLoop = """
        name: busy-loop
        entry: step
        maxIterations: 10000
        state: { n: 0, limit: 100, blob: "" }
        nodes:
          step: { type: set, values: { n: "state.n + 1", blob: "state.blob" } }
        edges:
          - { from: step, to: step, when: "state.n < state.limit" }
          - { from: step, to: END }
        """;

    /// <summary><see cref="BusyLoop"/> with a 1 ms <c>delay</c> in every iteration: the <c>set</c> steps of the busy
    /// loop run in the run's own turn, hundreds to a write, and its events come in a few bursts; a delay runs outside
    /// the turn, so this one's come step by step, over many turns, as a run doing real work sends them.</summary>
    public const string PacedLoop = """
        name: paced-loop
        entry: step
        maxIterations: 10000
        state: { n: 0, limit: 100, blob: "" }
        nodes:
          step: { type: set, values: { n: "state.n + 1", blob: "state.blob" } }
          tick: { type: delay, duration: 1ms }
        edges:
          - { from: step, to: tick, when: "state.n < state.limit" }
          - { from: step, to: END }
          - { from: tick, to: step }
        """;

    public const string Failing = """
        name: always-fails
        entry: boom
        nodes:
          boom: { type: fail, message: "kaput", retry: { maxAttempts: 1 } }
        edges:
          - { from: boom, to: END }
        """;

    /// <summary>Starts a run of <paramref name="graph"/> (created first) in the background; returns its id.</summary>
    public static async Task<string> StartAsync(HttpClient client, string graph, string graphId, JsonObject? initialState = null)
    {
        await SeedGraphs.CreateAsync(client, graph);
        using var response = await client.PostAsJsonAsync("/graph/run/background", new JsonObject
        {
            ["graph_id"] = graphId,
            ["initial_state"] = initialState ?? [],
        });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (string)body!["run_id"]!;
    }

    /// <summary>The run's persisted event count.</summary>
    public static async Task<int> EventCountAsync(HttpClient client, string runId) =>
        (await client.GetFromJsonAsync<JsonArray>($"/api/runs/{runId}/events?limit=10000"))!.Count;
}
