using Orchestrator.Errors;
using Orchestrator.History;
using Orchestrator.Loops;
using Orchestrator.Runs;
using Orleans.Concurrency;
using Orchestrator.Schedules;
using Orchestrator.Workflows;

namespace Orchestrator.Queries;

/// <summary>Listings read from the indexed views the grains write with their state (never by scanning grains).
/// Stateless; use the key <see cref="Key"/>.</summary>
public interface IQueryGrain : IGrainWithStringKey
{
    /// <summary>The key to use.</summary>
    const string Key = "query";

    /// <summary>Runs, newest first, optionally of one workflow and/or in one status and/or started by one trigger
    /// (<see cref="RunSnapshot.TriggeredBy"/>). With both a workflow and a trigger, a page may hold fewer than
    /// <paramref name="limit"/> runs while more follow (its cursor says so).</summary>
    [ReadOnly]
    Task<Page<RunSummary>> ListRunsAsync(string? workflow, RunStatus? status, int limit, string? cursor, string? triggeredBy = null);

    /// <summary>Runs (of one workflow, when given) created since <paramref name="since"/>, counted by status over the
    /// window and per <paramref name="bucket"/>-long slice, with their failure rate and duration percentiles. A result may
    /// be up to a 120th of the window old (5 s to 60 s): it counts every row of the window.</summary>
    [ReadOnly]
    Task<RunStatistics> RunStatisticsAsync(string? workflow, DateTimeOffset since, TimeSpan bucket);

    /// <summary>Node durations and attempts of the runs (of one workflow, when given) that finished since
    /// <paramref name="since"/>, read from the view finished runs write: percentiles per node only for one workflow. A
    /// result may be up to a 120th of the window old (5 s to 60 s).</summary>
    [ReadOnly]
    Task<NodeStatistics> NodeStatisticsAsync(string? workflow, DateTimeOffset since);

    /// <summary>The samples of a queue's history taken at or after <paramref name="since"/>, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<QueueSample>> QueueHistoryAsync(string queue, DateTimeOffset since);

    /// <summary>The samples of a loop's history taken at or after <paramref name="since"/>, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<LoopSample>> LoopHistoryAsync(string loopId, DateTimeOffset since);

    /// <summary>Error records, newest first, optionally of one workflow and/or in one recovery status.</summary>
    [ReadOnly]
    Task<Page<ErrorRecordSummary>> ListErrorsAsync(string? workflow, ErrorRecoveryStatus? status, int limit, string? cursor);

    /// <summary>The audit log: mutating requests, newest first.</summary>
    Task<Page<Audit.AuditEntry>> ListAuditAsync(int limit, string? cursor);

    /// <summary>Workflows, most recently changed first.</summary>
    [ReadOnly]
    Task<Page<WorkflowInfo>> ListWorkflowsAsync(bool includeRetired, int limit, string? cursor);

    /// <summary>Schedules, newest first, optionally of one workflow and/or only enabled (true) or disabled (false) ones.</summary>
    [ReadOnly]
    Task<Page<ScheduleSummary>> ListSchedulesAsync(string? workflow, bool? enabled, int limit, string? cursor);

    /// <summary>Loops, newest first, optionally of one run and/or in one state.</summary>
    [ReadOnly]
    Task<Page<LoopSummary>> ListLoopsAsync(string? runId, LoopStatus? state, int limit, string? cursor);
}
