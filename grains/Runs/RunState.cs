using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Runs.Engine;

/// <summary>Persisted state of a run. Its event log is the grain's journal, appended in the same write as the state. The
/// input, the state and the elements of its forEach nodes are stored apart, as parts (<see cref="IPartedState"/>), the
/// elements in chunks of <see cref="ItemChunk"/>, and a write carries only the parts that changed: a run fanning out over
/// a list of 100,000 in its state writes what its last turn changed, not the list, its input and every element.</summary>
public sealed class RunState : IQueryViewSource, IJournalSource, IPartedState
{
    /// <summary>The query view listing runs by workflow (key1) and status (key2), newest first.</summary>
    public const string RunsView = "runs";

    /// <summary>The view of runs by what started them (key 1) and status (key 2).</summary>
    public const string RunsByTriggerView = "runs-by-trigger";

    /// <summary>The view of finished runs by workflow (key 1) and status (key 2), newest finish first: their run and node
    /// durations (<see cref="RunTiming"/>). A run writes its row when it finishes; while it runs again (a retried
    /// node) the row of its last finish stays.</summary>
    public const string RunTimingsView = "run-timings";

    /// <summary>What started a run that does not say (it was started through the API).</summary>
    public const string DefaultTrigger = "api";

    /// <summary>forEach elements per stored part.</summary>
    public const int ItemChunk = 100;

    private const string ItemsPart = "items/";
    private const string StatePartKey = "state";
    private const string InputPartKey = "input";

    private readonly List<JournalEntry> _pending = [];
    private JsonObject? _stateCopy;
    private JsonNode? _inputCopy;
    private bool _stateStored;
    private bool _inputStored;

    /// <summary>Whether storage holds a state part: until a run's state has a value, it stores none (a missing part
    /// reads as the empty state), which spares most runs a row.</summary>
    private bool _statePartStored;
    private (bool State, bool StatePart, bool Input) _writingWhole;

    /// <summary>By node: the element list as last stored, and how many chunks of it are stored.</summary>
    private readonly Dictionary<string, (List<ItemRunState>? Items, int Chunks)> _storedItems = new(StringComparer.Ordinal);

    /// <summary>What the write in progress stores (<see cref="ChangedParts"/>), applied once it is durable.</summary>
    private List<(string Node, List<ItemRunState>? Items, int Chunks, List<int> Written)>? _writing;

    public string? RunId { get; set; }

    public string Workflow { get; set; } = "";

    public int Version { get; set; }

    public RunStatus Status { get; set; } = RunStatus.Pending;

    /// <summary>The run's input, stored as a part of its own (written once).</summary>
    [JsonIgnore]
    public JsonNode? Input
    {
        get;
        set
        {
            field = value;
            _inputCopy = null;
            _inputStored = false;
        }
    }

    /// <summary>The run's state, stored as a part of its own, written only when it changed. Changed only by assigning
    /// it or through <see cref="SetStateValue"/>, so that the next write and <see cref="StateCopy"/> know it did.</summary>
    [JsonIgnore]
    public JsonObject State
    {
        get;
        set
        {
            field = value;
            StateChanged();
        }
    } = [];

    /// <summary>The input as runs stored it before it was kept apart: read into <see cref="Input"/>, never written.</summary>
    [JsonPropertyName("input")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonNode? InlineInput
    {
        get => null;
        set => Input = value;
    }

    /// <summary>The state as runs stored it before it was kept apart: read into <see cref="State"/>, never written.</summary>
    [JsonPropertyName("state")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? InlineState
    {
        get => null;
        set => State = value ?? [];
    }

    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>When the run times out, if it has a timeout.</summary>
    public DateTimeOffset? Deadline { get; set; }

    /// <summary>What the run's delays reminder is armed for: the end of its earliest durable delay; null when none waits.</summary>
    public DateTimeOffset? DelaysDueAt { get; set; }

    /// <summary>Graph mode: the node running or last run; <c>END</c> after the run reached END.</summary>
    public string? CurrentNode { get; set; }

    public string? IdempotencyKey { get; set; }

    /// <summary>Who or what started the run: <c>api</c>, <c>schedule:&lt;id&gt;</c>, <c>run:&lt;parent id&gt;</c>, <c>cli</c>, …</summary>
    public string? TriggeredBy { get; set; }

    public ParentLink? Parent { get; set; }

    /// <summary>The run's place in its trace; null for a run stored before runs kept one.</summary>
    public RunTrace? Trace { get; set; }

    /// <summary>Sequence of the last event appended.</summary>
    public long EventSeq { get; set; }

    public Dictionary<string, NodeRunState> Nodes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The run's loops and their state as last reported (running until a loop says it ended).</summary>
    public Dictionary<string, Loops.LoopStatus> Loops { get; set; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public bool Exists => RunId is not null;

    /// <summary>A copy of <see cref="State"/> for expressions and attempts, which read it outside the run's turns while
    /// the state may change: made once per change of the state, not once per turn (a state holding a long list would
    /// otherwise be copied by every turn that starts an attempt). Never changed by its readers.</summary>
    public JsonObject StateCopy() => _stateCopy ??= State.DeepClone().AsObject();

    /// <summary>A copy of <see cref="Input"/>, as <see cref="StateCopy"/> is of the state.</summary>
    public JsonNode? InputCopy() => Input is null ? null : _inputCopy ??= Input.DeepClone();

    /// <summary>Sets one value of the state.</summary>
    public void SetStateValue(string key, JsonNode? value)
    {
        State[key] = value;
        StateChanged();
    }

    /// <summary>The state changed: its copy is stale and the next write stores it.</summary>
    private void StateChanged()
    {
        _stateCopy = null;
        _stateStored = false;
    }

    [JsonIgnore]
    public IReadOnlyList<JournalEntry> PendingJournal => _pending;

    /// <summary>Adds events to the log, durable with the next write.</summary>
    public void Journal(IReadOnlyList<RunEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var entry in events)
        {
            _pending.Add(new JournalEntry(entry.Seq, JsonSerializer.Serialize(entry, JsonSerializerOptions.Web)));
        }
    }

    public void JournalWritten(int count) => _pending.RemoveRange(0, count);

    /// <summary>Forgets events not yet written (after a failed write, before the state is read again).</summary>
    public void DiscardPendingJournal() => _pending.Clear();

    /// <inheritdoc/>
    public IReadOnlyList<StatePart> ChangedParts(JsonSerializerOptions json)
    {
        var parts = new List<StatePart>();
        // A run's input is set once, when it starts; a run without one has nothing to store.
        _writingWhole = (!_stateStored, !_stateStored && (State.Count > 0 || _statePartStored), !_inputStored && Input is not null);
        if (_writingWhole.StatePart)
        {
            parts.Add(new StatePart(StatePartKey, JsonSerializer.Serialize(State, json)));
        }

        if (_writingWhole.Input)
        {
            parts.Add(new StatePart(InputPartKey, JsonSerializer.Serialize(Input, json)));
        }

        _writing = [];
        foreach (var node in Nodes.Keys.Union(_storedItems.Keys, StringComparer.Ordinal))
        {
            var items = Nodes.TryGetValue(node, out var state) ? state.Items : null;
            var (storedItems, storedChunks) = _storedItems.GetValueOrDefault(node);
            var chunks = items is null ? 0 : (items.Count + ItemChunk - 1) / ItemChunk;
            var written = new List<int>();
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                var from = chunk * ItemChunk;
                var count = Math.Min(ItemChunk, items!.Count - from);
                var changed = !ReferenceEquals(items, storedItems) || chunk >= storedChunks;
                for (var i = from; i < from + count && !changed; i++)
                {
                    changed = items[i].Changed;
                }

                if (changed)
                {
                    parts.Add(new StatePart(PartKey(node, chunk), JsonSerializer.Serialize(items.GetRange(from, count), json)));
                    written.Add(chunk);
                }
            }

            for (var chunk = chunks; chunk < storedChunks; chunk++)
            {
                parts.Add(new StatePart(PartKey(node, chunk), null));
            }

            if (written.Count > 0 || chunks != storedChunks || !ReferenceEquals(items, storedItems))
            {
                _writing.Add((node, items, chunks, written));
            }
        }

        return parts;
    }

    /// <inheritdoc/>
    public void PartsWritten()
    {
        _stateStored |= _writingWhole.State;
        _statePartStored |= _writingWhole.StatePart;
        _inputStored |= _writingWhole.Input;
        _writingWhole = default;
        foreach (var (node, items, chunks, written) in _writing ?? [])
        {
            foreach (var chunk in written)
            {
                for (var i = chunk * ItemChunk; i < Math.Min(items!.Count, (chunk + 1) * ItemChunk); i++)
                {
                    items[i].Changed = false;
                }
            }

            if (chunks == 0)
            {
                _storedItems.Remove(node);
            }
            else
            {
                _storedItems[node] = (items, chunks);
            }
        }

        _writing = null;
    }

    /// <inheritdoc/>
    public void PartsRead(IReadOnlyList<StatePart> parts, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(parts);
        _storedItems.Clear();
        _statePartStored = false;
        var byNode = new Dictionary<string, Dictionary<int, string>>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            if (part.Key is StatePartKey or InputPartKey)
            {
                var value = JsonNode.Parse(part.Payload!);
                if (part.Key == StatePartKey)
                {
                    State = value?.AsObject() ?? [];
                    _stateStored = true;
                    _statePartStored = true;
                }
                else
                {
                    Input = value;
                    _inputStored = true;
                }

                continue;
            }

            var separator = part.Key.LastIndexOf('/');
            if (!part.Key.StartsWith(ItemsPart, StringComparison.Ordinal) || separator < ItemsPart.Length
                || !int.TryParse(part.Key.AsSpan(separator + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var chunk))
            {
                throw new InvalidOperationException($"Run {RunId}: stored part '{part.Key}' is not a chunk of forEach elements.");
            }

            var node = part.Key[ItemsPart.Length..separator];
            if (!byNode.TryGetValue(node, out var chunks))
            {
                byNode[node] = chunks = [];
            }

            chunks[chunk] = part.Payload!;
        }

        foreach (var (node, chunks) in byNode)
        {
            var stored = chunks.Keys.Max() + 1;
            if (!Nodes.TryGetValue(node, out var state) || state.Items is not null || state.ItemCount is not { } count)
            {
                // Left over from a list the run no longer has (or holds inline): deleted with the next write.
                _storedItems[node] = (null, stored);
                continue;
            }

            var items = new List<ItemRunState>(count);
            for (var chunk = 0; items.Count < count; chunk++)
            {
                if (!chunks.TryGetValue(chunk, out var payload))
                {
                    throw new InvalidOperationException($"Run {RunId}: chunk {chunk} of the {count} elements of node '{node}' is missing from storage.");
                }

                items.AddRange(JsonSerializer.Deserialize<List<ItemRunState>>(payload, json) ?? []);
            }

            if (items.Count != count)
            {
                throw new InvalidOperationException($"Run {RunId}: node '{node}' has {items.Count} stored elements, not {count}.");
            }

            items.ForEach(item => item.Changed = false);
            state.Items = items;
            state.ItemCount = null;
            _storedItems[node] = (items, stored);
        }

        foreach (var (node, state) in Nodes)
        {
            if (state.Items is null && state.ItemCount is { } count && !byNode.ContainsKey(node))
            {
                state.Items = count == 0
                    ? []
                    : throw new InvalidOperationException($"Run {RunId}: the {count} elements of node '{node}' are missing from storage.");
                state.ItemCount = null;
            }
        }
    }

    private static string PartKey(string node, int chunk) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ItemsPart}{node}/{chunk}");

    public IReadOnlyList<ViewRow> GetViewRows(GrainId grainId)
    {
        var summary = new RunSummary(RunId ?? grainId.Key.ToString(), Workflow, Version, Status, CreatedAt, StartedAt, FinishedAt, Error, TriggeredBy);
        var payload = JsonSerializer.Serialize(summary, JsonSerializerOptions.Web);
        var status = StatusName(Status);
        ViewRow[] rows =
        [
            new ViewRow(RunsView, Workflow, status, CreatedAt, payload),
            new ViewRow(RunsByTriggerView, TriggeredBy ?? DefaultTrigger, status, CreatedAt, payload),
        ];
        return Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled && FinishedAt is { } finished
            ? [.. rows, new ViewRow(RunTimingsView, Workflow, status, finished, JsonSerializer.Serialize(RunTiming.Of(this), JsonSerializerOptions.Web))]
            : rows;
    }

    /// <summary>True while a node or a forEach element waits for a sub-run.</summary>
    public bool WaitsForSubRuns() =>
        Nodes.Values.Any(node => node.SubRunId is not null || WaitsForSubRuns(node));

    /// <summary>Only elements that started and have not completed can wait for a sub-run.</summary>
    private static bool WaitsForSubRuns(NodeRunState node)
    {
        foreach (var item in node.ActiveItems())
        {
            if (item.SubRunId is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The run as seen from outside.</summary>
    public RunSnapshot ToSnapshot() => new()
    {
        RunId = RunId!,
        Workflow = Workflow,
        Version = Version,
        Status = Status,
        State = (JsonObject)State.DeepClone(),
        Input = Input?.DeepClone(),
        Error = Error,
        CreatedAt = CreatedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        CurrentNode = CurrentNode,
        IdempotencyKey = IdempotencyKey,
        TriggeredBy = TriggeredBy,
        Parent = Parent,
        TraceId = Trace?.TraceId,
        Nodes = Nodes.ToDictionary(
            pair => pair.Key,
            pair => new NodeSnapshot
            {
                Status = pair.Value.Status,
                Attempts = pair.Value.Items is { } items ? items.Sum(i => i.Attempts) : pair.Value.Attempts,
                Iterations = pair.Value.Iterations,
                StartedAt = pair.Value.StartedAt,
                FinishedAt = pair.Value.FinishedAt,
                NextAttemptAt = pair.Value.NextAttemptAt,
                WaitsUntil = pair.Value.Status == NodeStatus.Running ? pair.Value.WaitsUntil : null,
                Output = pair.Value.Output?.DeepClone(),
                Error = pair.Value.Error,
                Items = pair.Value.Items?.CountBy(i => StatusName(i.Status)).ToDictionary(StringComparer.Ordinal),
                Progress = pair.Value.Progress?.Data.DeepClone().AsObject(),
                ItemProgress = pair.Value.Items is { } elements && elements.Any(i => i.Progress is not null)
                    ? [.. elements.Select(i => i.Progress?.Data.DeepClone().AsObject())]
                    : null,
                Task = pair.Value.TaskProgress,
            },
            StringComparer.Ordinal),
        Loops = new Dictionary<string, Loops.LoopStatus>(Loops, StringComparer.Ordinal),
    };

    /// <summary>The status as it is written in views and JSON (<c>running</c>, …).</summary>
    public static string StatusName<TStatus>(TStatus status)
        where TStatus : struct, Enum => JsonSerializer.Serialize(status).Trim('"');
}
