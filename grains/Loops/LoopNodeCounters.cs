using System.Text.Json.Nodes;
using Orchestrator.Definitions;

namespace Orchestrator.Loops;

/// <summary>Live counters and health of one chain node; updated from any thread.</summary>
internal sealed class LoopNodeCounters(ChainStepDefinition step, string type)
{
    private readonly Lock _lock = new();
    private long _succeeded;
    private long _failed;
    private long _failedAttempts;
    private NodeHealth _health;
    private JsonNode? _lastOutput;
    private string? _lastError;
    private DateTimeOffset? _lastRunAt;

    public void Restore(LoopNodeSnapshot? saved)
    {
        if (saved is null)
        {
            return;
        }

        lock (_lock)
        {
            _succeeded = saved.Succeeded;
            _failed = saved.Failed;
            _failedAttempts = saved.FailedAttempts;
            _health = saved.Health;
            _lastOutput = saved.LastOutput?.DeepClone();
            _lastError = saved.LastError;
            _lastRunAt = saved.LastRunAt;
        }
    }

    public void Succeeded(JsonNode? output, DateTimeOffset at)
    {
        lock (_lock)
        {
            _succeeded++;
            _health = NodeHealth.Healthy;
            _lastOutput = output?.DeepClone();
            _lastRunAt = at;
        }
    }

    public void AttemptFailed(string error, bool willRetry, DateTimeOffset at)
    {
        lock (_lock)
        {
            _failedAttempts++;
            _lastError = error;
            _lastRunAt = at;
            if (willRetry)
            {
                _health = NodeHealth.Retrying;
            }
            else
            {
                _failed++;
                _health = NodeHealth.Failing;
            }
        }
    }

    public LoopNodeSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new LoopNodeSnapshot
            {
                Mode = step.Mode,
                Type = type,
                Health = _health,
                Succeeded = _succeeded,
                Failed = _failed,
                FailedAttempts = _failedAttempts,
                LastOutput = _lastOutput?.DeepClone(),
                LastError = _lastError,
                LastRunAt = _lastRunAt,
            };
        }
    }
}
