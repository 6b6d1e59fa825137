namespace Orchestrator.Grains.Tests.Definitions;

/// <summary>The samples from DESIGN.md, in YAML as written there and in equivalent JSON.</summary>
internal static class SampleDefinitions
{
    public const string GraphYaml = """
        name: code-review                # [a-z0-9._-], ≤ 100 chars
        state: { threshold: 7 }          # defaults, merged under the run's initial state
        entry: extract                   # graph mode: where a run starts
        maxIterations: 3                 # graph mode: guard against endless cycles
        nodes:
          extract:  { type: dotnet, class: CodeReview.ExtractFunctions }
          analyze:  { type: dotnet, class: CodeReview.Analyze, timeout: 30s,
                      retry: { maxAttempts: 4, initialDelay: 1s, multiplier: 2, maxDelay: 1m, jitter: 0.2 } }
          improve:  { type: http, method: POST, url: "http://127.0.0.1:9000/improve", body: "${state}" }
        edges:                           # graph mode: transitions, optionally conditional
          - { from: extract, to: analyze }
          - { from: analyze, to: END,     when: "state.quality_score >= state.threshold" }
          - { from: analyze, to: improve, when: "state.quality_score < state.threshold" }
          - { from: improve, to: analyze }
        """;

    public const string GraphJson = """
        {
          "name": "code-review",
          "state": { "threshold": 7 },
          "entry": "extract",
          "maxIterations": 3,
          "nodes": {
            "extract": { "type": "dotnet", "class": "CodeReview.ExtractFunctions" },
            "analyze": {
              "type": "dotnet",
              "class": "CodeReview.Analyze",
              "timeout": "30s",
              "retry": { "maxAttempts": 4, "initialDelay": "1s", "multiplier": 2, "maxDelay": "1m", "jitter": 0.2 }
            },
            "improve": { "type": "http", "method": "POST", "url": "http://127.0.0.1:9000/improve", "body": "${state}" }
          },
          "edges": [
            { "from": "extract", "to": "analyze" },
            { "from": "analyze", "to": "END", "when": "state.quality_score >= state.threshold" },
            { "from": "analyze", "to": "improve", "when": "state.quality_score < state.threshold" },
            { "from": "improve", "to": "analyze" }
          ]
        }
        """;

    public const string LoopsYaml = """
        name: sensor-pipeline
        loops:
          sensor:
            pool: thread                 # thread | async | process
            producer: { type: interval, every: 100ms }   # | {type: cron, expression, timeZone}
                                         # | {type: queue, queue: readings} | {type: dotnet, class: …}
            chain:
              - { node: read,  mode: blocking }
              - { node: store, mode: nonblocking }
              - { node: push,  mode: blocking }
            onError: continue            # continue | pause | stop
            maxInFlight: 100             # cap on unfinished non-blocking work
        nodes:
          read:  { type: dotnet, class: Samples.ReadSensor }
          store: { type: shell, command: [store-reading, "${data}"] }
          push:  { type: queue.push, queue: readings, value: "${data}" }
        """;

    public const string LoopsJson = """
        {
          // Comments and trailing commas are accepted in JSON definitions.
          "name": "sensor-pipeline",
          "loops": {
            "sensor": {
              "pool": "thread",
              "producer": { "type": "interval", "every": "100ms" },
              "chain": [
                { "node": "read", "mode": "blocking" },
                { "node": "store", "mode": "nonblocking" },
                { "node": "push", "mode": "blocking" },
              ],
              "onError": "continue",
              "maxInFlight": 100
            }
          },
          "nodes": {
            "read": { "type": "dotnet", "class": "Samples.ReadSensor" },
            "store": { "type": "shell", "command": ["store-reading", "${data}"] },
            "push": { "type": "queue.push", "queue": "readings", "value": "${data}" }
          }
        }
        """;
}
