namespace Orchestrator.Testing;

/// <summary>A <see cref="TimeProvider"/> whose time moves only when a test calls <see cref="Advance"/>. Timers due
/// within the advanced span fire in due order, each at its own due time.</summary>
public sealed class FakeClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly List<(int Count, DateTimeOffset? DueAt, TaskCompletionSource Armed)> _armedWaiters = [];
    private DateTimeOffset _now;

    /// <summary>Starts at <paramref name="start"/>, or 2026-01-01T00:00:00Z.</summary>
    public FakeClock(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Number of timers armed right now.</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> timers are armed (due at <paramref name="dueAt"/>, when
    /// given): say, the delays of work started elsewhere, so that a test advances time only after they wait on it.</summary>
    public Task WaitForArmedTimersAsync(int count, DateTimeOffset? dueAt = null)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (CountArmed(dueAt) >= count)
            {
                return Task.CompletedTask;
            }

            _armedWaiters.Add((count, dueAt, armed));
        }

        return armed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Moves time forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }

        while (true)
        {
            FakeTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    _now = target;
                    return;
                }

                if (next.DueAt > _now)
                {
                    _now = next.DueAt.Value;
                }

                next.Fired();
            }

            next.Invoke();
        }
    }

    /// <summary>Sets the time (forward only), firing timers on the way.</summary>
    public void SetUtcNow(DateTimeOffset value) => Advance(value - GetUtcNow());

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    // Called under the lock.
    private int CountArmed(DateTimeOffset? dueAt) => _timers.Count(t => t.DueAt is not null && (dueAt is null || t.DueAt == dueAt));

    // Called under the lock.
    private void NotifyArmed()
    {
        if (_armedWaiters.Count == 0)
        {
            return;
        }

        foreach (var waiter in _armedWaiters.Where(w => w.Count <= CountArmed(w.DueAt)).ToList())
        {
            _armedWaiters.Remove(waiter);
            waiter.Armed.TrySetResult();
        }
    }

    private void Remove(FakeTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(FakeClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period;

        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                clock.NotifyArmed();
            }

            return true;
        }

        // Called under the clock's lock.
        public void Fired() =>
            DueAt = _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan ? DueAt + _period : null;

        public void Invoke() => callback(state);

        public void Dispose()
        {
            lock (clock._lock)
            {
                DueAt = null;
            }

            clock.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
