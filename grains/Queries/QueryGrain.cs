using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Errors;
using Orchestrator.History;
using Orchestrator.Providers.Hosting;
using Orchestrator.Loops;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Storage;
using Orchestrator.Schedules;
using Orchestrator.Workflows;

using Orchestrator.Reminders;

namespace Orchestrator.Queries;

/// <summary>Reads listings from the query views; its calls interleave.</summary>
[GrainType("query")]
internal sealed class QueryGrain(IGrainStateQueries queries, IAuditStore audit, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock) : OrchestratorGrain, IQueryGrain
{
    /// <summary>The largest page.</summary>
    public const int MaxLimit = 500;

    private readonly StatisticsCache _statistics = new(clock);

    public async Task<Page<RunSummary>> ListRunsAsync(string? workflow, RunStatus? status, int limit, string? cursor, string? triggeredBy = null)
    {
        var statusKey = status is { } s ? RunState.StatusName(s) : null;
        if (triggeredBy is null)
        {
            return await QueryAsync<RunSummary>(RunState.RunsView, workflow, statusKey, limit, cursor);
        }

        var page = await QueryAsync<RunSummary>(RunState.RunsByTriggerView, triggeredBy, statusKey, limit, cursor);
        return workflow is null ? page : page with { Items = [.. page.Items.Where(run => run.Workflow == workflow)] };
    }

    public Task<RunStatistics> RunStatisticsAsync(string? workflow, DateTimeOffset since, TimeSpan bucket) =>
        _statistics.GetAsync(FormattableString.Invariant($"{workflow}|{bucket.Ticks}"), since, () => ComputeRunStatisticsAsync(workflow, since, bucket));

    private async Task<RunStatistics> ComputeRunStatisticsAsync(string? workflow, DateTimeOffset since, TimeSpan bucket)
    {
        var counts = await queries.CountViewAsync(new ViewCountQuery(RunState.RunsView, workflow, since, bucket), CancellationToken.None);
        var byStatus = counts.GroupBy(c => c.Key2).ToDictionary(g => g.Key, g => g.Sum(c => c.Count), StringComparer.Ordinal);
        var slices = counts.GroupBy(c => c.BucketStart).OrderBy(g => g.Key)
            .Select(g => new RunCountSlice(g.Key, g.ToDictionary(c => c.Key2, c => c.Count, StringComparer.Ordinal))).ToList();
        var failed = byStatus.GetValueOrDefault(RunState.StatusName(RunStatus.Failed));
        var finished = failed + byStatus.GetValueOrDefault(RunState.StatusName(RunStatus.Completed)) + byStatus.GetValueOrDefault(RunState.StatusName(RunStatus.Cancelled));

        // Durations are in the rows' payloads: the newest finished runs of the window, a page at a time.
        var durations = new List<double>();
        string? cursor = null;
        do
        {
            var page = await QueryAsync<RunSummary>(RunState.RunsView, workflow, null, 500, cursor);
            foreach (var run in page.Items)
            {
                if (run.CreatedAt < since)
                {
                    break;
                }

                if (run is { StartedAt: { } started, FinishedAt: { } ended })
                {
                    durations.Add((ended - started).TotalSeconds);
                }
            }

            cursor = page.Items.Count > 0 && page.Items[^1].CreatedAt >= since ? page.Cursor : null;
        }
        while (cursor is not null && durations.Count < RunStatistics.DurationSample);

        durations.Sort();
        return new RunStatistics(since, bucket.TotalSeconds, byStatus, slices, finished == 0 ? 0 : (double)failed / finished,
            RunTimingStatistics.Percentile(durations, 0.50), RunTimingStatistics.Percentile(durations, 0.99), durations.Count);
    }

    public Task<NodeStatistics> NodeStatisticsAsync(string? workflow, DateTimeOffset since) =>
        _statistics.GetAsync(workflow ?? "", since, () => ComputeNodeStatisticsAsync(workflow, since));

    private async Task<NodeStatistics> ComputeNodeStatisticsAsync(string? workflow, DateTimeOffset since)
    {
        var statistics = new RunTimingStatistics(perNode: workflow is not null);
        var coveredSince = since;
        ViewCursor? cursor = null;
        var more = true;
        while (more)
        {
            var page = await queries.QueryViewAsync(new ViewQuery(RunState.RunTimingsView, workflow, null, MaxLimit, cursor), CancellationToken.None);
            foreach (var row in page.Rows)
            {
                if (row.SortAt < since)
                {
                    more = false;
                    break;
                }

                statistics.Add(JsonSerializer.Deserialize<RunTiming>(row.Payload, JsonSerializerOptions.Web)!);
                if (statistics.Count == NodeStatistics.Sample)
                {
                    // The newest runs only: the figures cover the stretch since the oldest of them finished.
                    coveredSince = row.SortAt;
                    more = false;
                    break;
                }
            }

            cursor = page.Next;
            more &= cursor is not null;
        }

        return statistics.Result(since, coveredSince, clock.GetUtcNow());
    }

    public Task<IReadOnlyList<QueueSample>> QueueHistoryAsync(string queue, DateTimeOffset since) =>
        ReadHistoryAsync<QueueSample>(HistorySeries.Queue(queue), since);

    public Task<IReadOnlyList<LoopSample>> LoopHistoryAsync(string loopId, DateTimeOffset since) =>
        ReadHistoryAsync<LoopSample>(HistorySeries.Loop(loopId), since);

    private async Task<IReadOnlyList<T>> ReadHistoryAsync<T>(string series, DateTimeOffset since)
    {
        const int PageSize = 2000;
        var grain = HistorySeries.GrainOf(series);
        var samples = new List<T>();
        var after = HistorySeries.Sequence(since) - 1;
        while (true)
        {
            var entries = await queries.ReadJournalAsync(grain, after, PageSize, CancellationToken.None);
            samples.AddRange(entries.Select(entry => JsonSerializer.Deserialize<T>(entry.Payload, JsonSerializerOptions.Web)!));
            if (entries.Count < PageSize)
            {
                return samples;
            }

            after = entries[^1].Sequence;
        }
    }

    public Task<Page<ErrorRecordSummary>> ListErrorsAsync(string? workflow, ErrorRecoveryStatus? status, int limit, string? cursor) =>
        QueryAsync<ErrorRecordSummary>(ErrorRecordState.ErrorsView, workflow, status is { } s ? ErrorRecordState.StatusName(s) : null, limit, cursor);

    public Task<Page<WorkflowInfo>> ListWorkflowsAsync(bool includeRetired, int limit, string? cursor) =>
        QueryAsync<WorkflowInfo>(WorkflowState.WorkflowsView, null, includeRetired ? null : "active", limit, cursor);

    public Task<Page<ScheduleSummary>> ListSchedulesAsync(string? workflow, bool? enabled, int limit, string? cursor) =>
        QueryAsync<ScheduleSummary>(ScheduleState.SchedulesView, workflow,
            enabled switch { true => ScheduleState.EnabledKey, false => ScheduleState.DisabledKey, null => null }, limit, cursor);

    public Task<Page<LoopSummary>> ListLoopsAsync(string? runId, LoopStatus? state, int limit, string? cursor) =>
        QueryAsync<LoopSummary>(LoopState.LoopsView, runId, state?.Name(), limit, cursor);

    public async Task<Page<Audit.AuditEntry>> ListAuditAsync(int limit, string? cursor)
    {
        CheckLimit(limit);
        // The audit log's cursors are those of the view it was kept in before its table: the time and the record's id.
        var page = await audit.ListAsync(limit, DecodeCursor(cursor), CancellationToken.None);
        return PageOf<Audit.AuditEntry>(page.Records.Select(record => record.Payload), page.Next);
    }

    private async Task<Page<T>> QueryAsync<T>(string view, string? key1, string? key2, int limit, string? cursor)
    {
        CheckLimit(limit);
        var page = await queries.QueryViewAsync(new ViewQuery(view, key1, key2, limit, DecodeCursor(cursor)), CancellationToken.None);
        return PageOf<T>(page.Rows.Select(row => row.Payload), page.Next);
    }

    private static void CheckLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
    }

    /// <summary>A page of the items stored as <paramref name="payloads"/>, with the cursor that follows it.</summary>
    private static Page<T> PageOf<T>(IEnumerable<string> payloads, ViewCursor? next) =>
        new([.. payloads.Select(payload => JsonSerializer.Deserialize<T>(payload, JsonSerializerOptions.Web)!)],
            next is null ? null : EncodeCursor(next));

    /// <summary>Cursors are opaque to callers: base64url of <c>t{utcTicks}:grainKey</c>. Ticks keep every digit a store
    /// keeps (PostgreSQL: microseconds), so rows created within one millisecond are not skipped between pages.</summary>
    internal static string EncodeCursor(ViewCursor cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"t{cursor.SortAt.UtcTicks}:{cursor.GrainKey}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static ViewCursor? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var at = text.StartsWith('t')
                ? new DateTimeOffset(long.Parse(text[1..colon], CultureInfo.InvariantCulture), TimeSpan.Zero)
                // Cursors handed out before ticks: milliseconds.
                : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(text[..colon], CultureInfo.InvariantCulture));
            return new ViewCursor(at, text[(colon + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException($"cursor '{cursor}' is not a cursor returned by a listing", nameof(cursor), e);
        }
    }
}
