namespace Orchestrator.Runtime.Invocation;

/// <summary>Runtime-internal work run as a turn: activation, deactivation, timer ticks.</summary>
internal sealed class WorkRequest(string name, Func<object?, Task> work, bool isReadOnly = false, bool keepsAlive = true) : GrainRequest
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _completion.Task;

    public override bool IsReadOnly => isReadOnly;

    public override bool KeepsAlive => keepsAlive;

    public override string Name => name;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    public override Task ExecuteAsync(object? grain) => work(grain);

    public override void Complete(Task completed)
    {
        if (completed.IsCompletedSuccessfully)
        {
            _completion.TrySetResult();
        }
        else if (completed.IsCanceled)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetException(completed.Exception!.InnerException!);
        }
    }

    public override bool TryFail(Exception exception) => _completion.TrySetException(exception);
}
