namespace Orchestrator.Silo.Tests.Rest;

/// <summary>Requests the API must refuse with a 4xx problem, never a 5xx. Each case: an id, the method, the path, the
/// Content-Type, the body (or a generator: <c>@json:N</c> a run start of N bytes, <c>@yaml:N</c> a definition of N
/// bytes, <c>@chunked:N</c> the same JSON without a Content-Length, <c>@nest:N</c> input nested N deep,
/// <c>@latin1</c> bytes that are not UTF-8), the expected status, the field the problem must name (or null), and what must
/// not exist afterwards (<c>wf:name</c>: no such workflow; <c>runs</c>: no run of <see cref="Target"/>).</summary>
public static class BadInputCorpus
{
    /// <summary>A stored workflow that only refused requests ever try to run.</summary>
    public const string Target = "corpus-target";

    private const string Json = "application/json";
    private const string Yaml = "application/yaml";

    public static TheoryData<string, string, string, string?, string?, int, string?, string?> Cases()
    {
        var data = new TheoryData<string, string, string, string?, string?, int, string?, string?>();
        void Add(string id, string method, string path, string? type, string? body, int status, string? field = null, string? absent = null) =>
            data.Add(id, method, path, type, body, status, field, absent);

        // POST /api/workflows: unreadable text is 400, a readable but invalid definition 422, too big 413.
        void Definition(string id, string? type, string body, int status, string? field = null) =>
            Add(id, "POST", "/api/workflows", type, body.Replace("NAME", $"corpus-{id}", StringComparison.Ordinal), status, field,
                body.StartsWith('@') ? "wf:corpus-huge" : $"wf:corpus-{id}");
        Definition("wf-empty-body", Json, "", 400, "body");
        Definition("wf-empty-yaml", Yaml, "", 400, "body");
        Definition("wf-json-truncated", Json, """{"name": "NAME", "nodes": {""", 400);
        Definition("wf-json-garbage", Json, "{not json at all", 400);
        Definition("wf-json-trailing", Json, """{"name":"NAME","nodes":{"a":{"type":"noop"}}} trailing""", 400);
        Definition("wf-yaml-unclosed", Yaml, "name: NAME\nnodes: [unclosed\n", 400);
        Definition("wf-yaml-bad-indent", Yaml, "name: NAME\nnodes:\n  a:\n    type: noop\n   bad: indent\n", 400);
        Definition("wf-yaml-tab", Yaml, "name: NAME\nnodes:\n\ta: { type: noop }\n", 400);
        Definition("wf-yaml-two-docs", Yaml, "name: NAME\nnodes: { a: { type: noop } }\n---\nname: other\n", 400);
        Definition("wf-yaml-scalar", Yaml, "just a string", 422);
        Definition("wf-json-array", Json, "[]", 422);
        Definition("wf-json-null", Json, "null", 422);
        Definition("wf-json-number", Json, "42", 422);
        Definition("wf-name-number", Json, """{"name": 5, "nodes": {"a": {"type": "noop"}}}""", 422, "name");
        Definition("wf-nodes-list", Yaml, "name: NAME\nnodes: [a, b]\n", 422, "nodes");
        Definition("wf-missing-name", Yaml, "nodes:\n  a: { type: noop }\n", 422, "name");
        Definition("wf-bad-name", Yaml, "name: Bad Name!\nnodes:\n  a: { type: noop }\n", 422, "name");
        Definition("wf-long-name", Yaml, $"name: {new string('a', 101)}\nnodes:\n  a: {{ type: noop }}\n", 422, "name");
        Definition("wf-no-nodes", Yaml, "name: NAME\nnodes: {}\n", 422);
        Definition("wf-unknown-type", Yaml, "name: NAME\nnodes:\n  a: { type: teleport }\n", 422, "nodes.a.type");
        Definition("wf-missing-type", Yaml, "name: NAME\nnodes:\n  a: { message: hi }\n", 422);
        Definition("wf-depends-missing", Yaml, "name: NAME\nnodes:\n  a: { type: noop, dependsOn: [ghost] }\n", 422);
        Definition("wf-dag-cycle", Yaml, "name: NAME\nnodes:\n  a: { type: noop, dependsOn: [b] }\n  b: { type: noop, dependsOn: [a] }\n", 422);
        Definition("wf-edge-missing", Yaml, "name: NAME\nentry: a\nnodes:\n  a: { type: noop }\nedges:\n  - { from: a, to: ghost }\n", 422);
        Definition("wf-entry-missing", Yaml, "name: NAME\nentry: ghost\nnodes:\n  a: { type: noop }\nedges:\n  - { from: a, to: END }\n", 422);
        Definition("wf-bad-duration", Yaml, "name: NAME\nnodes:\n  a: { type: delay, duration: soon }\n", 422);
        Definition("wf-bad-timeout", Yaml, "name: NAME\nnodes:\n  a: { type: noop, timeout: -5s }\n", 422);
        Definition("wf-bad-expression", Yaml, "name: NAME\nnodes:\n  a: { type: set, values: { x: \"state.a +* 2\" } }\n", 422);
        Definition("wf-bad-when", Yaml, "name: NAME\nentry: a\nnodes:\n  a: { type: noop }\nedges:\n  - { from: a, to: END, when: \"((\" }\n", 422);
        Definition("wf-max-iterations-zero", Yaml, "name: NAME\nentry: a\nmaxIterations: 0\nnodes:\n  a: { type: noop }\nedges:\n  - { from: a, to: END }\n", 422);
        Definition("wf-retry-too-many", Yaml, "name: NAME\nnodes:\n  a: { type: noop, retry: { maxAttempts: 1000 } }\n", 422);
        Definition("wf-retry-multiplier", Yaml, "name: NAME\nnodes:\n  a: { type: noop, retry: { multiplier: 0.5 } }\n", 422);
        Definition("wf-retry-wrong-type", Json, """{"name":"NAME","nodes":{"a":{"type":"noop","retry":{"maxAttempts":"many"}}}}""", 422);
        Definition("wf-shell-string", Yaml, "name: NAME\nnodes:\n  a: { type: shell, command: \"rm -rf /\" }\n", 422);
        Definition("wf-http-no-url", Yaml, "name: NAME\nnodes:\n  a: { type: http, method: GET }\n", 422);
        Definition("wf-on-failure", Yaml, "name: NAME\nnodes:\n  a: { type: noop, onFailure: explode }\n", 422);
        Definition("wf-deep-json", Json, new string('[', 500) + new string(']', 500), 400);
        Definition("wf-png", "image/png", "name: NAME\nnodes:\n  a: { type: noop }\n", 415, "Content-Type");
        Definition("wf-latin1", Yaml, "@latin1", 400, "body");
        Definition("wf-over-definition-limit", Yaml, "@yaml:1200000", 413, "body");
        Definition("wf-over-request-limit", Yaml, "@yaml:3000000", 413, "body");
        Definition("wf-chunked-over-limit", Yaml, "@chunked:3000000", 413);

        // /api/workflows reads, listings and wrong verbs.
        Add("wf-get-unknown", "GET", "/api/workflows/no-such-workflow", null, null, 404, "name");
        Add("wf-get-version-text", "GET", $"/api/workflows/{Target}?version=abc", null, null, 400, "version");
        Add("wf-get-version-zero", "GET", $"/api/workflows/{Target}?version=0", null, null, 400, "version");
        Add("wf-get-version-negative", "GET", $"/api/workflows/{Target}?version=-1", null, null, 400, "version");
        Add("wf-get-version-huge", "GET", $"/api/workflows/{Target}?version=99999999999", null, null, 400, "version");
        Add("wf-get-version-missing", "GET", $"/api/workflows/{Target}?version=99", null, null, 404, "version");
        Add("wf-list-limit-zero", "GET", "/api/workflows?limit=0", null, null, 400, "limit");
        Add("wf-list-limit-big", "GET", "/api/workflows?limit=501", null, null, 400, "limit");
        Add("wf-list-limit-text", "GET", "/api/workflows?limit=ten", null, null, 400, "limit");
        Add("wf-list-cursor", "GET", "/api/workflows?cursor=%25%25not-a-cursor", null, null, 400, "cursor");
        Add("wf-list-cursor-base64", "GET", "/api/workflows?cursor=aGVsbG8", null, null, 400, "cursor");
        Add("wf-list-retired-text", "GET", "/api/workflows?includeRetired=maybe", null, null, 400, "includeRetired");
        Add("wf-delete-unknown", "DELETE", "/api/workflows/no-such-workflow", null, null, 404, "name");
        Add("wf-put-collection", "PUT", "/api/workflows", Json, "{}", 405);
        Add("wf-delete-collection", "DELETE", "/api/workflows", null, null, 405);
        Add("wf-patch-item", "PATCH", $"/api/workflows/{Target}", Json, "{}", 405);
        Add("wf-post-item", "POST", $"/api/workflows/{Target}", Json, "{}", 405);

        // POST /api/runs: nothing may start.
        void Start(string id, string? type, string? body, int status, string? field, string query = "") =>
            Add(id, "POST", "/api/runs" + query, type, body, status, field, "runs");
        Start("run-empty-body", Json, "", 400, "body");
        Start("run-empty-object", Json, "{}", 400, "workflow");
        Start("run-workflow-number", Json, """{"workflow": 5}""", 400, "workflow");
        Start("run-workflow-bool", Json, """{"workflow": true}""", 400, "workflow");
        Start("run-workflow-array", Json, """{"workflow": ["a"]}""", 400, "workflow");
        Start("run-workflow-object", Json, """{"workflow": {"name": "x"}}""", 400, "workflow");
        Start("run-workflow-empty", Json, """{"workflow": ""}""", 400, "workflow");
        Start("run-workflow-blank", Json, """{"workflow": "   "}""", 400, "workflow");
        Start("run-workflow-null", Json, """{"workflow": null}""", 400, "workflow");
        Start("run-version-zero", Json, $$"""{"workflow": "{{Target}}", "version": 0}""", 400, "version");
        Start("run-version-negative", Json, $$"""{"workflow": "{{Target}}", "version": -3}""", 400, "version");
        Start("run-version-text", Json, $$"""{"workflow": "{{Target}}", "version": "one"}""", 400, "version");
        Start("run-version-fraction", Json, $$"""{"workflow": "{{Target}}", "version": 1.5}""", 400, "version");
        Start("run-version-overflow", Json, $$"""{"workflow": "{{Target}}", "version": 1e99}""", 400, "version");
        Start("run-version-missing", Json, $$"""{"workflow": "{{Target}}", "version": 99}""", 404, "version");
        Start("run-idempotency-number", Json, $$"""{"workflow": "{{Target}}", "idempotencyKey": 7}""", 400, "idempotencyKey");
        Start("run-idempotency-empty", Json, $$"""{"workflow": "{{Target}}", "idempotencyKey": ""}""", 400, "idempotencyKey");
        Start("run-json-truncated", Json, $$"""{"workflow": "{{Target}}", """, 400, null);
        Start("run-json-garbage", Json, "workflow=corpus-target", 400, "body");
        Start("run-json-trailing", Json, $$"""{"workflow": "{{Target}}"} {}""", 400, null);
        Start("run-json-array", Json, "[]", 400, "body");
        Start("run-json-null", Json, "null", 400, "body");
        Start("run-json-string", Json, "\"corpus-target\"", 400, "body");
        Start("run-json-single-quotes", Json, "{'workflow': 'corpus-target'}", 400, null);
        Start("run-input-too-deep", Json, "@nest:100", 400, null);
        Start("run-trigger-empty", Json, $$"""{"workflow": "{{Target}}", "triggeredBy": ""}""", 400, "triggeredBy");
        Start("run-trigger-number", Json, $$"""{"workflow": "{{Target}}", "triggeredBy": 5}""", 400, "triggeredBy");
        Start("run-trigger-control", Json, $$"""{"workflow": "{{Target}}", "triggeredBy": "a\u0007b"}""", 400, "triggeredBy");
        Start("run-input-array", Json, $$"""{"workflow": "{{Target}}", "input": [1, 2]}""", 422, "input");
        Start("run-input-string", Json, $$"""{"workflow": "{{Target}}", "input": "x"}""", 422, "input");
        Start("run-input-number", Json, $$"""{"workflow": "{{Target}}", "input": 3}""", 422, "input");
        Start("run-text-plain", "text/plain", $$"""{"workflow": "{{Target}}"}""", 415, "Content-Type");
        Start("run-xml", "application/xml", "<run workflow=\"corpus-target\"/>", 415, "Content-Type");
        Start("run-latin1", Json, "@latin1", 400, null);
        Start("run-huge", Json, "@json:3000000", 413, "body");
        Start("run-huge-chunked", Json, "@chunked:3000000", 413, null);
        Start("run-unknown-workflow", Json, """{"workflow": "no-such-workflow"}""", 404, "workflow");
        Start("run-wait-text", Json, $$"""{"workflow": "{{Target}}"}""", 400, "wait", "?wait=maybe");
        Start("run-timeout-text", Json, $$"""{"workflow": "{{Target}}"}""", 400, "timeout", "?wait=true&timeout=forever");
        Start("run-timeout-zero", Json, $$"""{"workflow": "{{Target}}"}""", 400, "timeout", "?wait=true&timeout=0s");
        Start("run-timeout-long", Json, $$"""{"workflow": "{{Target}}"}""", 400, "timeout", "?wait=true&timeout=11m");
        Start("run-timeout-negative", Json, $$"""{"workflow": "{{Target}}"}""", 400, "timeout", "?wait=true&timeout=-5s");

        // Runs: reads, listings, lifecycle of unknown runs, bad bodies, wrong verbs.
        Add("run-get-unknown", "GET", "/api/runs/no-such-run", null, null, 404, "id");
        Add("run-events-unknown", "GET", "/api/runs/no-such-run/events", null, null, 404, "id");
        Add("run-events-after-negative", "GET", "/api/runs/no-such-run/events?after=-1", null, null, 400, "after");
        Add("run-events-after-text", "GET", "/api/runs/no-such-run/events?after=first", null, null, 400, "after");
        Add("run-events-limit-zero", "GET", "/api/runs/no-such-run/events?limit=0", null, null, 400, "limit");
        Add("run-events-limit-big", "GET", "/api/runs/no-such-run/events?limit=10001", null, null, 400, "limit");
        Add("run-list-status", "GET", "/api/runs?status=sleeping", null, null, 400, "status");
        Add("run-list-status-empty", "GET", "/api/runs?status=", null, null, 400, "status");
        Add("run-list-limit-zero", "GET", "/api/runs?limit=0", null, null, 400, "limit");
        Add("run-list-limit-negative", "GET", "/api/runs?limit=-5", null, null, 400, "limit");
        Add("run-list-limit-big", "GET", "/api/runs?limit=100000", null, null, 400, "limit");
        Add("run-list-limit-text", "GET", "/api/runs?limit=all", null, null, 400, "limit");
        Add("run-list-cursor", "GET", "/api/runs?cursor=***", null, null, 400, "cursor");
        Add("run-list-cursor-base64", "GET", "/api/runs?cursor=Zm9vYmFy", null, null, 400, "cursor");
        Add("run-cancel-unknown", "POST", "/api/runs/no-such-run/cancel", null, null, 404, "id");
        Add("run-pause-unknown", "POST", "/api/runs/no-such-run/pause", null, null, 404, "id");
        Add("run-resume-unknown", "POST", "/api/runs/no-such-run/resume", null, null, 404, "id");
        Add("run-signal-unknown", "POST", "/api/runs/no-such-run/signal", Json, """{"name": "go", "data": 1}""", 404, "id");
        Add("run-signal-empty", "POST", "/api/runs/no-such-run/signal", Json, "", 400, "body");
        Add("run-signal-no-name-scalar", "POST", "/api/runs/no-such-run/signal", Json, """{"data": 5}""", 400, "data");
        Add("run-signal-no-name-array", "POST", "/api/runs/no-such-run/signal", Json, """{"data": [1, 2]}""", 400, "data");
        Add("run-signal-name-number", "POST", "/api/runs/no-such-run/signal", Json, """{"name": 5, "data": 1}""", 400, "name");
        Add("run-signal-malformed", "POST", "/api/runs/no-such-run/signal", Json, """{"name": "go", "data": """, 400, null);
        Add("run-signal-text-plain", "POST", "/api/runs/no-such-run/signal", "text/plain", "go", 415, "Content-Type");
        Add("run-cancel-reason-number", "POST", "/api/runs/no-such-run/cancel", Json, """{"reason": 5}""", 400, "reason");
        Add("run-cancel-malformed", "POST", "/api/runs/no-such-run/cancel", Json, "{", 400, null);
        Add("run-cancel-text-plain", "POST", "/api/runs/no-such-run/cancel", "text/plain", "stop", 415, "Content-Type");
        Add("run-put-collection", "PUT", "/api/runs", Json, "{}", 405);
        Add("run-delete-item", "DELETE", "/api/runs/no-such-run", null, null, 405);
        Add("run-get-cancel", "GET", "/api/runs/no-such-run/cancel", null, null, 405);
        Add("run-put-signal", "PUT", "/api/runs/no-such-run/signal", Json, "{}", 405);
        Add("run-put-pause", "PUT", "/api/runs/no-such-run/pause", Json, "{}", 405);
        Add("run-unknown-action", "POST", "/api/runs/no-such-run/explode", null, null, 404);

        // Error records: resource and seed 004 routes.
        foreach (var action in new[] { "retry", "resolve", "ignore", "escalate" })
        {
            Add($"err-{action}-unknown", "POST", $"/api/errors/no-such-error/{action}", null, null, 404, "id");
            Add($"err-seed-{action}-unknown", "POST", $"/api/errors/errors/no-such-error/{action}", null, null, 404, "id");
            Add($"err-get-{action}", "GET", $"/api/errors/no-such-error/{action}", null, null, 405);
        }

        Add("err-get-unknown", "GET", "/api/errors/no-such-error", null, null, 404, "id");
        Add("err-list-status", "GET", "/api/errors?status=on-fire", null, null, 400, "status");
        Add("err-list-limit", "GET", "/api/errors?limit=0", null, null, 400, "limit");
        Add("err-list-cursor", "GET", "/api/errors?cursor=%7B%7D", null, null, 400, "cursor");
        Add("err-seed-status", "GET", "/api/errors/errors?recoveryStatus=on-fire", null, null, 400, "recoveryStatus");
        Add("err-seed-limit", "GET", "/api/errors/errors?limit=lots", null, null, 400, "limit");
        Add("err-seed-cursor", "GET", "/api/errors/errors?cursor=bm9wZQ", null, null, 400, "cursor");
        Add("err-by-number", "POST", "/api/errors/no-such-error/resolve", Json, """{"by": 5}""", 400, "by");
        Add("err-by-empty", "POST", "/api/errors/no-such-error/resolve", Json, """{"by": ""}""", 400, "by");
        Add("err-reason-object", "POST", "/api/errors/errors/no-such-error/ignore", Json, """{"reason": {"why": 1}}""", 400, "reason");
        Add("err-malformed", "POST", "/api/errors/errors/no-such-error/escalate", Json, """{"by": """, 400, null);
        Add("err-body-array", "POST", "/api/errors/no-such-error/retry", Json, "[1]", 400, "body");
        Add("err-text-plain", "POST", "/api/errors/no-such-error/retry", "text/plain", "please", 415, "Content-Type");
        Add("err-huge", "POST", "/api/errors/no-such-error/retry", Json, "@json:2500000", 413, "body");
        Add("err-delete", "DELETE", "/api/errors/no-such-error", null, null, 405);
        Add("err-post-item", "POST", "/api/errors/no-such-error", Json, "{}", 405);
        Add("err-unknown-action", "POST", "/api/errors/no-such-error/reopen", null, null, 404);

        // Cluster, health and unknown routes.
        Add("api-unknown", "GET", "/api/no-such-resource", null, null, 404);
        Add("api-unknown-deep", "GET", "/api/runs/a/b/c/d", null, null, 404);
        Add("health-post", "POST", "/api/health", Json, "{}", 405);
        Add("silos-post", "POST", "/api/silos", Json, "{}", 405);
        Add("grains-delete", "DELETE", "/api/grains", null, null, 405);
        Add("metrics-post", "POST", "/metrics", null, null, 405);
        return data;
    }
}
