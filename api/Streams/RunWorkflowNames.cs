using System.Collections.Concurrent;

namespace Orchestrator.Api.Streams;

/// <summary>The workflow of recently seen runs (run events do not carry it), bounded: the oldest entries go first.</summary>
internal sealed class RunWorkflowNames(int capacity)
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public bool TryGet(string runId, out string? workflow)
    {
        var found = _names.TryGetValue(runId, out var name);
        workflow = name;
        return found;
    }

    public void Remember(string runId, string workflow)
    {
        if (!_names.TryAdd(runId, workflow))
        {
            return;
        }

        _order.Enqueue(runId);
        while (_names.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _names.TryRemove(oldest, out _);
        }
    }
}
