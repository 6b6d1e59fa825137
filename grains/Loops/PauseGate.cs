namespace Orchestrator.Loops;

/// <summary>Open while the loop runs, closed while it is paused; producers wait on it before each iteration.</summary>
internal sealed class PauseGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _reopened;

    public PauseGate(bool paused)
    {
        if (paused)
        {
            Close();
        }
    }

    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _reopened is not null;
            }
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            _reopened ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Open()
    {
        TaskCompletionSource? reopened;
        lock (_lock)
        {
            reopened = _reopened;
            _reopened = null;
        }

        reopened?.TrySetResult();
    }

    /// <summary>Completes at once when open, else when opened (or throws when cancelled).</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _reopened is null ? Task.CompletedTask : _reopened.Task.WaitAsync(cancellationToken);
        }
    }
}
