using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Cluster;
using Orchestrator.Errors;
using Orchestrator.Loops;
using Orchestrator.Queries;
using Orchestrator.Queues;
using Orchestrator.Runs;
using Orchestrator.Schedules;
using Orchestrator.Workflows;

namespace Orchestrator.Client.Rest;

/// <summary>The resource routes beyond runs: workflows, run listings, loops, queues, schedules, error records and the
/// cluster, each returning the type the server answers with.</summary>
public sealed partial class OrchestratorRestClient
{
    // Workflows

    /// <summary>Checks a definition (YAML or JSON text) as storing it would, and stores nothing; an invalid one throws
    /// <see cref="OrchestratorApiException"/> with every problem and its path.</summary>
    public Task<RestWorkflowValidation> ValidateWorkflowAsync(string definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return SendAsync<RestWorkflowValidation>(HttpMethod.Post, "api/workflows/validate", DefinitionContent(definition), cancellationToken);
    }

    /// <summary>Workflows, most recently changed first.</summary>
    public Task<Page<WorkflowInfo>> ListWorkflowsAsync(
        bool includeRetired = false, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<WorkflowInfo>>(
            HttpMethod.Get,
            Query("api/workflows", ("includeRetired", includeRetired ? "true" : null), ("limit", Text(limit)), ("cursor", cursor)),
            null,
            cancellationToken);

    /// <summary>A version of a workflow with its definition (the latest unless <paramref name="version"/>).</summary>
    public Task<RestWorkflow> GetWorkflowAsync(string name, int? version = null, CancellationToken cancellationToken = default) =>
        SendAsync<RestWorkflow>(HttpMethod.Get, Query($"api/workflows/{Segment(name)}", ("version", Text(version))), null, cancellationToken);

    /// <summary>Retires a workflow: no new runs start; its versions and runs stay readable.</summary>
    public Task RetireWorkflowAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/workflows/{Segment(name)}", null, cancellationToken);

    // Runs

    /// <summary>Runs, newest first; optionally of one workflow, in one status, started by one trigger.</summary>
    public Task<Page<RunSummary>> ListRunsAsync(
        string? workflow = null, RunStatus? status = null, string? triggeredBy = null, int? limit = null, string? cursor = null,
        CancellationToken cancellationToken = default) =>
        SendAsync<Page<RunSummary>>(
            HttpMethod.Get,
            Query("api/runs", ("workflow", workflow), ("status", Text(status)), ("triggeredBy", triggeredBy), ("limit", Text(limit)), ("cursor", cursor)),
            null,
            cancellationToken);

    /// <summary>One page of a run's event log: the events after sequence <paramref name="after"/>, oldest first.</summary>
    public Task<IReadOnlyList<RunEvent>> GetRunEventsAsync(string runId, long after = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<RunEvent>>(
            HttpMethod.Get, Query($"api/runs/{Segment(runId)}/events", ("after", Text(after)), ("limit", Text(limit))), null, cancellationToken);

    // Loops

    /// <summary>Loops, newest first, with live counters; optionally of one run and in one state.</summary>
    public Task<Page<LoopSnapshot>> ListLoopsAsync(
        string? runId = null, LoopStatus? state = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<LoopSnapshot>>(
            HttpMethod.Get,
            Query("api/loops", ("runId", runId), ("state", Text(state)), ("limit", Text(limit)), ("cursor", cursor)),
            null,
            cancellationToken);

    /// <summary>A loop (<c>{runId}:{loop}</c>): state, counters, node health.</summary>
    public Task<LoopSnapshot> GetLoopAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<LoopSnapshot>(HttpMethod.Get, $"api/loops/{Segment(id)}", null, cancellationToken);

    /// <summary>Pauses a loop: no new iteration starts.</summary>
    public Task<LoopSnapshot> PauseLoopAsync(string id, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync<LoopSnapshot>(HttpMethod.Post, $"api/loops/{Segment(id)}/pause", Body(new JsonObject { ["reason"] = reason }), cancellationToken);

    /// <summary>Resumes a paused loop.</summary>
    public Task<LoopSnapshot> ResumeLoopAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<LoopSnapshot>(HttpMethod.Post, $"api/loops/{Segment(id)}/resume", null, cancellationToken);

    /// <summary>Stops a loop for good.</summary>
    public Task<LoopSnapshot> StopLoopAsync(string id, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync<LoopSnapshot>(HttpMethod.Post, $"api/loops/{Segment(id)}/stop", Body(new JsonObject { ["reason"] = reason }), cancellationToken);

    /// <summary>Lines of a loop's log, oldest first: with <paramref name="after"/> those after that sequence number,
    /// without it the latest.</summary>
    public async Task<IReadOnlyList<LoopLogEntry>> GetLoopLogsAsync(
        string id, long? after = null, int? limit = null, string? node = null, CancellationToken cancellationToken = default) =>
        (await SendAsync<ItemList<LoopLogEntry>>(
            HttpMethod.Get,
            Query($"api/loops/{Segment(id)}/logs", ("after", Text(after)), ("limit", Text(limit)), ("node", node)),
            null,
            cancellationToken).ConfigureAwait(false)).Items;

    /// <summary>A loop's log as it grows: the lines after <paramref name="after"/> (or, without it, the latest), then
    /// new ones as they are written; it ends once the loop has stopped (or failed) and its last lines are read.</summary>
    public async IAsyncEnumerable<LoopLogEntry> FollowLoopLogsAsync(
        string id, long? after = null, string? node = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var lines = await GetLoopLogsAsync(id, after, null, node, cancellationToken).ConfigureAwait(false);
        var last = after ?? 0;
        var wait = FollowIdleWait;
        while (true)
        {
            foreach (var line in lines)
            {
                last = line.Seq;
                yield return line;
            }

            if (lines.Count > 0)
            {
                wait = FollowIdleWait;
            }
            else
            {
                var loop = await GetLoopAsync(id, cancellationToken).ConfigureAwait(false);
                if (loop.State is LoopStatus.Stopped or LoopStatus.Error)
                {
                    // Lines written between the read and the check come last.
                    foreach (var line in await GetLoopLogsAsync(id, last, MaxPage, node, cancellationToken).ConfigureAwait(false))
                    {
                        yield return line;
                    }

                    yield break;
                }

                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, FollowMaxIdleWait.Ticks));
            }

            lines = await GetLoopLogsAsync(id, last, MaxPage, node, cancellationToken).ConfigureAwait(false);
        }
    }

    // Queues

    /// <summary>Every queue that holds messages or has consumers, by name.</summary>
    public async Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<ItemList<QueueInfo>>(HttpMethod.Get, "api/queues", null, cancellationToken).ConfigureAwait(false)).Items;

    /// <summary>A queue: depth, counters, and each consumer's offset and lag.</summary>
    public Task<QueueInfo> GetQueueAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<QueueInfo>(HttpMethod.Get, $"api/queues/{Segment(name)}", null, cancellationToken);

    /// <summary>Messages a consumer of the queue gave up on, oldest first.</summary>
    public async Task<IReadOnlyList<QueueDeadLetter>> GetDeadLettersAsync(string name, int? limit = null, CancellationToken cancellationToken = default) =>
        (await SendAsync<ItemList<QueueDeadLetter>>(
            HttpMethod.Get, Query($"api/queues/{Segment(name)}/dead-letters", ("limit", Text(limit))), null, cancellationToken).ConfigureAwait(false)).Items;

    // Schedules

    /// <summary>Creates a schedule from its JSON definition (<c>{name, workflow, cron | every | at, …}</c>).</summary>
    public Task<ScheduleSnapshot> CreateScheduleAsync(JsonObject definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return SendAsync<ScheduleSnapshot>(HttpMethod.Post, "api/schedules", Body(definition), cancellationToken);
    }

    /// <summary>Schedules, newest first; optionally of one workflow, and enabled or not.</summary>
    public Task<Page<ScheduleSummary>> ListSchedulesAsync(
        string? workflow = null, bool? enabled = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<ScheduleSummary>>(
            HttpMethod.Get,
            Query("api/schedules", ("workflow", workflow), ("enabled", enabled is { } on ? (on ? "true" : "false") : null), ("limit", Text(limit)), ("cursor", cursor)),
            null,
            cancellationToken);

    /// <summary>A schedule with its next and last fire.</summary>
    public Task<ScheduleSnapshot> GetScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleSnapshot>(HttpMethod.Get, $"api/schedules/{Segment(id)}", null, cancellationToken);

    /// <summary>Enables a schedule.</summary>
    public Task<ScheduleSnapshot> EnableScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleSnapshot>(HttpMethod.Post, $"api/schedules/{Segment(id)}/enable", null, cancellationToken);

    /// <summary>Disables a schedule.</summary>
    public Task<ScheduleSnapshot> DisableScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleSnapshot>(HttpMethod.Post, $"api/schedules/{Segment(id)}/disable", null, cancellationToken);

    /// <summary>Starts a run of the schedule now; answers the execution record.</summary>
    public Task<ScheduleExecution> TriggerScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleExecution>(HttpMethod.Post, $"api/schedules/{Segment(id)}/trigger", null, cancellationToken);

    /// <summary>Deletes a schedule; the runs it started stay.</summary>
    public Task DeleteScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/schedules/{Segment(id)}", null, cancellationToken);

    /// <summary>The schedule's next <paramref name="count"/> fire times.</summary>
    public Task<IReadOnlyList<DateTimeOffset>> PreviewScheduleAsync(string id, int? count = null, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<DateTimeOffset>>(HttpMethod.Get, Query($"api/schedules/{Segment(id)}/preview", ("count", Text(count))), null, cancellationToken);

    /// <summary>The schedule's executions, newest first.</summary>
    public Task<IReadOnlyList<ScheduleExecution>> GetScheduleExecutionsAsync(string id, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<ScheduleExecution>>(HttpMethod.Get, Query($"api/schedules/{Segment(id)}/executions", ("limit", Text(limit))), null, cancellationToken);

    // Error records

    /// <summary>Error records, newest first; optionally in one recovery status and of one workflow.</summary>
    public Task<Page<ErrorRecordSummary>> ListErrorsAsync(
        ErrorRecoveryStatus? status = null, string? workflow = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<ErrorRecordSummary>>(
            HttpMethod.Get,
            Query("api/errors", ("status", Text(status)), ("workflow", workflow), ("limit", Text(limit)), ("cursor", cursor)),
            null,
            cancellationToken);

    /// <summary>An error record with its history.</summary>
    public Task<ErrorRecordSnapshot> GetErrorAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<ErrorRecordSnapshot>(HttpMethod.Get, $"api/errors/{Segment(id)}", null, cancellationToken);

    /// <summary>Retries, resolves, ignores or escalates an error record (<paramref name="action"/>: <c>retry</c>,
    /// <c>resolve</c>, <c>ignore</c>, <c>escalate</c>), with an optional reason kept in its history.</summary>
    public Task<ErrorRecordSnapshot> ActOnErrorAsync(string id, string action, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        return SendAsync<ErrorRecordSnapshot>(
            HttpMethod.Post, $"api/errors/{Segment(id)}/{Segment(action)}", Body(new JsonObject { ["by"] = Trigger, ["reason"] = reason }), cancellationToken);
    }

    // The cluster

    /// <summary>The silos of the cluster: every member, and those declared dead in the last hour.</summary>
    public async Task<IReadOnlyList<SiloInfo>> GetSilosAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<ItemList<SiloInfo>>(HttpMethod.Get, "api/silos", null, cancellationToken).ConfigureAwait(false)).Items;

    /// <summary>Activation counts and call statistics by grain type (<c>GET /api/grains</c>), as the server answers.</summary>
    public Task<JsonObject> GetGrainsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<JsonObject>(HttpMethod.Get, "api/grains", null, cancellationToken);

    /// <summary>The silo's health report; a silo that answers 503 is unhealthy, not an error, so its report is
    /// returned too.</summary>
    public async Task<RestHealth> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Get, "api/health", null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var report = await response.Content.ReadFromJsonAsync<JsonObject>(Json, cancellationToken).ConfigureAwait(false) ?? [];
        return new RestHealth(response.StatusCode == HttpStatusCode.OK, report);
    }

    private static readonly TimeSpan FollowIdleWait = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan FollowMaxIdleWait = TimeSpan.FromSeconds(1);

    private const int MaxPage = 1000;

    private static StringContent DefinitionContent(string definition) =>
        new(definition, Encoding.UTF8, definition.TrimStart().StartsWith('{') ? "application/json" : "application/yaml");

    private static JsonContent Body(JsonObject body) => JsonContent.Create(body, options: Json);

    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        return Uri.EscapeDataString(value);
    }

    private static string? Text(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Text<TEnum>(TEnum? value)
        where TEnum : struct, Enum =>
        value is null ? null : System.Text.Json.JsonSerializer.Serialize(value.Value, Json).Trim('"');

    private static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return given.Length == 0 ? path : $"{path}?{string.Join('&', given)}";
    }

    private sealed record ItemList<T>(IReadOnlyList<T> Items);
}

/// <summary>The answer of <c>POST /api/workflows/validate</c> for a valid definition.</summary>
public sealed record RestWorkflowValidation(bool Valid, string Name);

/// <summary>A workflow version with its definition, as <c>GET /api/workflows/{name}</c> answers.</summary>
public sealed record RestWorkflow(string Name, int Version, int LatestVersion, bool Retired, JsonObject Definition);

/// <summary>A silo's health: <see cref="Healthy"/> when it answered 200, and its report either way.</summary>
public sealed record RestHealth(bool Healthy, JsonObject Report);
