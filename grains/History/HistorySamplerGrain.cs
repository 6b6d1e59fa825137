using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Loops;
using Orchestrator.Queries;
using Orchestrator.Queues;
using Orchestrator.Reminders;
using Orchestrator.Runs.Engine;

namespace Orchestrator.History;

/// <inheritdoc cref="IHistorySamplerGrain"/>
[GrainType("history-sampler")]
internal sealed partial class HistorySamplerGrain(
    [PersistentState("history-sampler")] IPersistentState<HistorySamplerState> store,
    IQueueDirectory queues,
    EngineOptions options,
    ILogger<HistorySamplerGrain> logger) : OrchestratorGrain, IHistorySamplerGrain
{
    /// <summary>How often series no longer sampled are looked for; also how stale the stored last-sample times may be,
    /// so a series is deleted only this much after its retention.</summary>
    private static readonly TimeSpan SweepEvery = TimeSpan.FromHours(1);

    private DateTimeOffset _lastSlot = DateTimeOffset.MinValue;

    public async Task SampleAsync(DateTimeOffset slot)
    {
        if (slot <= _lastSlot)
        {
            return;
        }

        _lastSlot = slot;
        var samples = new List<(string Series, string Sample)>();
        foreach (var queue in await queues.ListAsync(CancellationToken.None))
        {
            var sample = new QueueSample(slot, queue.Depth, queue.Consumers.Count == 0 ? 0 : queue.Consumers.Max(c => c.Lag),
                queue.Produced, queue.Consumed, queue.DeadLettered);
            samples.Add((HistorySeries.Queue(queue.Name), JsonSerializer.Serialize(sample, JsonSerializerOptions.Web)));
        }

        foreach (var loop in await ReadLoopsAsync())
        {
            var sample = new LoopSample(slot, loop.State, loop.Iterations, loop.IterationsPerSecond, loop.Errors);
            samples.Add((HistorySeries.Loop(loop.Id), JsonSerializer.Serialize(sample, JsonSerializerOptions.Web)));
        }

        await Task.WhenAll(samples.Select(s => AppendAsync(s.Series, slot, s.Sample)));
        await RememberAsync(samples.Select(s => s.Series), slot);
    }

    /// <summary>Every running or paused loop, with its live counters.</summary>
    private async Task<IReadOnlyList<LoopSnapshot>> ReadLoopsAsync()
    {
        var query = Factory.GetGrain<IQueryGrain>(IQueryGrain.Key);
        var ids = new List<string>();
        foreach (var state in new[] { LoopStatus.Running, LoopStatus.Paused })
        {
            string? cursor = null;
            do
            {
                var page = await query.ListLoopsAsync(null, state, QueryGrain.MaxLimit, cursor);
                ids.AddRange(page.Items.Select(loop => loop.Id));
                cursor = page.Cursor;
            }
            while (cursor is not null);
        }

        var loops = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await Factory.GetGrain<ILoopGrain>(id).GetAsync();
            }
            catch (Exception e)
            {
                LogLoopUnreadable(logger, e, id);
                return null;
            }
        }));
        return [.. loops.OfType<LoopSnapshot>()];
    }

    private async Task AppendAsync(string series, DateTimeOffset slot, string sample)
    {
        try
        {
            await Factory.GetGrain<IHistoryGrain>(series).AppendAsync(slot, sample);
        }
        catch (Exception e)
        {
            // One series missing a sample does not keep the others from theirs.
            LogAppendFailed(logger, e, series);
        }
    }

    /// <summary>Notes when each series was sampled; deletes the histories of series not sampled for longer than the
    /// retention (and the sweep interval, by which the stored times may lag).</summary>
    private async Task RememberAsync(IEnumerable<string> sampled, DateTimeOffset slot)
    {
        var known = store.State.Series;
        var added = false;
        foreach (var series in sampled)
        {
            added |= !known.ContainsKey(series);
            known[series] = slot;
        }

        var sweep = slot - store.State.SweptAt >= SweepEvery;
        if (sweep)
        {
            var expired = known.Where(pair => pair.Value < slot - options.History.Retention - SweepEvery).Select(pair => pair.Key).ToList();
            foreach (var series in expired)
            {
                await Factory.GetGrain<IHistoryGrain>(series).ClearAsync();
                known.Remove(series);
            }

            store.State.SweptAt = slot;
        }

        if (added || sweep)
        {
            await store.WriteStateAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId} could not be read for its history sample")]
    private static partial void LogLoopUnreadable(ILogger logger, Exception exception, string loopId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sample of {Series} could not be written")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, string series);
}
