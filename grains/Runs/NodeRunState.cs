using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Runs.Engine;

/// <summary>Persisted state of one node of a run.</summary>
public sealed class NodeRunState
{
    private List<ItemRunState>? _scannedItems;
    private int _completedPrefix;
    private int _startedPrefix;

    public NodeStatus Status { get; set; } = NodeStatus.Pending;

    /// <summary>Attempts started in the current iteration.</summary>
    public int Attempts { get; set; }

    /// <summary>Times the node started (graph mode: its current iteration number).</summary>
    public int Iteration { get; set; }

    /// <summary>Times the node completed.</summary>
    public int Iterations { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>While the node runs a durable <c>delay</c>: when it ends (see <see cref="EngineOptions.DurableDelayFrom"/>).</summary>
    public DateTimeOffset? WaitsUntil { get; set; }

    public JsonNode? Output { get; set; }

    public string? Error { get; set; }

    /// <summary>The sub-run a <c>workflow</c> node waits for.</summary>
    public string? SubRunId { get; set; }

    /// <summary>The worker task a <c>worker</c> node waits for.</summary>
    public string? TaskId { get; set; }

    /// <summary>What a worker last reported about the node's task (or one of its elements') with a heartbeat.</summary>
    public Tasks.WorkerTaskProgress? TaskProgress { get; set; }

    /// <summary>Attempts allowed in the current iteration when a manual retry granted a fresh round (null: the policy's).</summary>
    public int? AttemptLimit { get; set; }

    /// <summary>The error record whose retry re-runs this node, while it does.</summary>
    public string? RecoveringErrorId { get; set; }

    /// <summary>What the node's latest attempt recorded of its progress (agent thread, job id); null when none did.</summary>
    public AttemptProgressState? Progress { get; set; }

    /// <summary>forEach nodes: one entry per element. They are stored apart from the rest of the run's state, in chunks
    /// that are written only when one of their elements changed (see <see cref="RunState"/>).</summary>
    [JsonIgnore]
    public List<ItemRunState>? Items { get; set; }

    /// <summary>True when every element of <see cref="Items"/> completed.</summary>
    public bool AllItemsCompleted() => FirstUnfinishedItem() == (Items?.Count ?? 0);

    /// <summary>The index of the first element of <see cref="Items"/> that has not completed. A completed element stays
    /// completed (a retry or a recovery runs failed and cancelled ones again, never completed ones), so the index only
    /// grows: it is remembered and looked for from there, which costs what the list's length does once, not once per call.</summary>
    public int FirstUnfinishedItem()
    {
        var items = Items ?? [];
        Rescan(items);
        while (_completedPrefix < items.Count && items[_completedPrefix].Status == NodeStatus.Completed)
        {
            _completedPrefix++;
        }

        return _completedPrefix;
    }

    /// <summary>The index of the first element of <see cref="Items"/> never started. Elements start lowest first and their
    /// attempts only rise, so those before it have all started and none after it has: running, retrying and waiting
    /// elements lie between <see cref="FirstUnfinishedItem"/> and this. Remembered as that one is.</summary>
    public int FirstUnstartedItem()
    {
        var items = Items ?? [];
        Rescan(items);
        while (_startedPrefix < items.Count && items[_startedPrefix].Attempts > 0)
        {
            _startedPrefix++;
        }

        return _startedPrefix;
    }

    /// <summary>The elements that started and have not completed: the only ones that can be running, retrying or
    /// waiting for a sub-run or a task.</summary>
    public ReadOnlySpan<ItemRunState> ActiveItems()
    {
        var from = FirstUnfinishedItem();
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Items)[from..Math.Max(from, FirstUnstartedItem())];
    }

    private void Rescan(List<ItemRunState> items)
    {
        if (!ReferenceEquals(_scannedItems, items))
        {
            _scannedItems = items;
            _completedPrefix = 0;
            _startedPrefix = 0;
        }
    }

    /// <summary>How many elements <see cref="Items"/> holds, as stored; null when the node has no list.</summary>
    public int? ItemCount
    {
        get => Items?.Count ?? field;
        set;
    }

    /// <summary>Elements stored inline, as runs stored before elements were kept apart: read into <see cref="Items"/>,
    /// never written.</summary>
    [JsonPropertyName("items")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ItemRunState>? InlineItems
    {
        get => null;
        set => Items = value;
    }
}
