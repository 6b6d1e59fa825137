using Orchestrator.Runtime.Activation;
using Orchestrator.Runtime.Invocation;

namespace Orchestrator.Runtime.Timers;

/// <summary>A grain timer: each tick is queued as a turn of its activation. A tick that falls due while the previous
/// one is still waiting for its turn is skipped, so at most one tick waits and ticks never pile up.</summary>
internal sealed class GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, GrainTimerCreationOptions options, TimeProvider clock)
    : IGrainTimer
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private bool _stopped;
    private bool _tickQueued;

    public void Start()
    {
        lock (_lock)
        {
            _timer = clock.CreateTimer(static state => ((GrainTimer)state!).OnTimer(), this, options.DueTime, Normalize(options.Period));
        }
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _timer?.Change(dueTime, Normalize(period));
        }
    }

    public void Dispose()
    {
        Stop();
        activation.RemoveTimer(this);
    }

    /// <summary>Stops ticking; a tick that is running gets its token cancelled.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _timer?.Dispose();
        }

        _stopping.Cancel();
        _stopping.Dispose();
    }

    private static TimeSpan Normalize(TimeSpan period) => period <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : period;

    private void OnTimer()
    {
        CancellationToken token;
        lock (_lock)
        {
            if (_stopped || _tickQueued)
            {
                return;
            }

            _tickQueued = true;
            token = _stopping.Token;
        }

        var tick = new WorkRequest("timer", _ => RunTick(token), isReadOnly: options.Interleave, keepsAlive: options.KeepAlive);
        if (!activation.TryEnqueueTimerTick(tick))
        {
            Stop();
        }
    }

    private Task RunTick(CancellationToken token)
    {
        lock (_lock)
        {
            _tickQueued = false;
        }

        return callback(token);
    }
}
