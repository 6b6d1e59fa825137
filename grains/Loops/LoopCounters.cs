using Orchestrator.Providers.Concurrency;
using Orchestrator.Definitions;

namespace Orchestrator.Loops;

/// <summary>A loop's live counters, shared by its runner (any thread) and its grain (which reads them for snapshots and
/// writes them at checkpoints).</summary>
internal sealed class LoopCounters
{
    private readonly Lock _lock = new();
    private readonly IterationRate _rate;
    private long _iterations;
    private long _lastNumber;
    private long _completed;
    private long _errors;
    private long _duplicates;
    private int _inFlight;
    private long _changes;
    private LoopErrorInfo? _lastError;

    private readonly LoopMetrics _metrics;
    private readonly LoopTags _tags;

    public LoopCounters(LoopDefinition loop, WorkflowDefinition definition, LoopCounterState saved, TimeProvider clock, LoopMetrics metrics, LoopTags tags)
    {
        _metrics = metrics;
        _tags = tags;
        _rate = new IterationRate(clock);
        _iterations = saved.Iterations;
        _lastNumber = saved.Iterations;
        _completed = saved.Completed;
        _errors = saved.Errors;
        _duplicates = saved.DuplicatesDropped;
        _lastError = saved.LastError;
        foreach (var step in loop.Chain)
        {
            if (!Nodes.ContainsKey(step.Node))
            {
                var counters = new LoopNodeCounters(step, definition.Nodes[step.Node].Type);
                counters.Restore(saved.Nodes.GetValueOrDefault(step.Node));
                Nodes[step.Node] = counters;
            }
        }
    }

    public const int MaxStoredOutputLength = 4_096;

    public Dictionary<string, LoopNodeCounters> Nodes { get; } = new(StringComparer.Ordinal);

    public long Iterations => Interlocked.Read(ref _iterations);

    public int InFlight => Volatile.Read(ref _inFlight);

    public double IterationsPerSecond => _rate.PerSecond();

    public int RateWindowSeconds => _rate.WindowSeconds;

    /// <summary>Rises on every change; a checkpoint with nothing new since the last one writes nothing.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>The last iteration number handed out (at or above <see cref="Iterations"/>: numbers reserved before a
    /// crash are skipped, never reused).</summary>
    public long LastNumber => Interlocked.Read(ref _lastNumber);

    /// <summary>Counts an iteration and returns its number.</summary>
    public long IterationStarted()
    {
        _rate.Add();
        _metrics.IterationStarted(_tags);
        Interlocked.Increment(ref _changes);
        Interlocked.Increment(ref _iterations);
        return Interlocked.Increment(ref _lastNumber);
    }

    /// <summary>Numbers up to <paramref name="number"/> may have been handed out before (by an earlier activation that
    /// reserved them): the next iteration is numbered above it.</summary>
    public void NumberAbove(long number) => MonotonicLong.Raise(ref _lastNumber, number);

    public void IterationCompleted()
    {
        Interlocked.Increment(ref _completed);
        Interlocked.Increment(ref _changes);
    }

    public void IterationFailed(LoopErrorInfo error)
    {
        // The error first: a snapshot that counts the failure also shows it.
        lock (_lock)
        {
            _lastError = error;
        }

        Interlocked.Increment(ref _errors);
        _metrics.IterationFailed(_tags);

        Interlocked.Increment(ref _changes);
    }

    public void DuplicateDropped()
    {
        Interlocked.Increment(ref _duplicates);
        _metrics.DuplicateDropped(_tags);
        Interlocked.Increment(ref _changes);
    }

    public void HandedOff()
    {
        Interlocked.Increment(ref _inFlight);
        _metrics.HandOff(_tags, 1);
    }

    public void HandOffFinished()
    {
        Interlocked.Decrement(ref _inFlight);
        _metrics.HandOff(_tags, -1);
    }

    public void NodeChanged() => Interlocked.Increment(ref _changes);

    /// <summary>The counters now. <paramref name="forStorage"/> leaves out node outputs larger than
    /// <see cref="MaxStoredOutputLength"/> characters of JSON, so that checkpoints stay small.</summary>
    public LoopCounterState Snapshot(bool forStorage)
    {
        // Errors before the last error: a failure counted here was recorded before it was counted.
        var errors = Interlocked.Read(ref _errors);
        LoopErrorInfo? lastError;
        lock (_lock)
        {
            lastError = _lastError;
        }

        return new LoopCounterState
        {
            Iterations = Interlocked.Read(ref _iterations),
            Completed = Interlocked.Read(ref _completed),
            Errors = errors,
            DuplicatesDropped = Interlocked.Read(ref _duplicates),
            LastError = lastError,
            Nodes = Nodes.ToDictionary(pair => pair.Key, pair => Trim(pair.Value.Snapshot(), forStorage), StringComparer.Ordinal),
        };
    }

    private static LoopNodeSnapshot Trim(LoopNodeSnapshot node, bool forStorage) =>
        forStorage && node.LastOutput is { } output && output.ToJsonString().Length > MaxStoredOutputLength
            ? node with { LastOutput = null }
            : node;
}
