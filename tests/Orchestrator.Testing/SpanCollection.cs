using System.Collections;
using System.Diagnostics;

namespace Orchestrator.Testing;

/// <summary>Spans an exporter hands over (OpenTelemetry's in-memory exporter takes any <see cref="ICollection{T}"/>),
/// safe to read while silos add to it, with a wait for the spans a test expects. Every test in the process that
/// traces adds here, so tests pick their spans by trace id.</summary>
public sealed class SpanCollection : ICollection<Activity>
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly List<Activity> _spans = [];
    private readonly List<(Func<IReadOnlyList<Activity>, bool> Done, TaskCompletionSource Signal)> _waiters = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    /// <summary>The spans of one trace, in the order they ended.</summary>
    public IReadOnlyList<Activity> OfTrace(string traceId)
    {
        lock (_lock)
        {
            return [.. _spans.Where(span => span.TraceId.ToHexString() == traceId)];
        }
    }

    /// <summary>Waits (bounded) for a span that matches, of any trace, and returns it.</summary>
    public async Task<Activity> WaitForSpanAsync(string what, Func<Activity, bool> match)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_spans.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((spans => spans.Any(match), signal));
        }

        try
        {
            await signal.Task.WaitAsync(Bound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"No span {what} arrived.", e);
        }

        lock (_lock)
        {
            return _spans.First(match);
        }
    }

    /// <summary>Waits (bounded) until the spans of <paramref name="traceId"/> satisfy <paramref name="done"/>, and
    /// returns them.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForTraceAsync(string traceId, Func<IReadOnlyList<Activity>, bool> done)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (done(OfTraceLocked(traceId)))
            {
                return OfTraceLocked(traceId);
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((spans => done(spans.Where(span => span.TraceId.ToHexString() == traceId).ToList()), signal));
        }

        try
        {
            await signal.Task.WaitAsync(Bound);
        }
        catch (TimeoutException e)
        {
            var seen = string.Join(", ", OfTrace(traceId).Select(span => span.DisplayName));
            throw new TimeoutException($"The spans of trace {traceId} did not arrive; seen: {seen}", e);
        }

        return OfTrace(traceId);
    }

    public void Add(Activity item)
    {
        lock (_lock)
        {
            _spans.Add(item);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Done(_spans))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item)
    {
        lock (_lock)
        {
            return _spans.Contains(item);
        }
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_lock)
        {
            _spans.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(Activity item)
    {
        lock (_lock)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator()
    {
        lock (_lock)
        {
            return _spans.ToList().GetEnumerator();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private List<Activity> OfTraceLocked(string traceId) => [.. _spans.Where(span => span.TraceId.ToHexString() == traceId)];
}
