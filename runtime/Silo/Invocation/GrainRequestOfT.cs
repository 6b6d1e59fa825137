namespace Orchestrator.Runtime.Invocation;

/// <summary>A call of a grain interface method.</summary>
internal sealed class GrainRequest<TResult>(GrainMethod<TResult> method, object?[] arguments) : GrainRequest
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _completion.Task;

    public override bool IsReadOnly => method.IsReadOnly;

    public override string Name => method.Name;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    public override Task ExecuteAsync(object? grain) => method.Invoke(grain!, arguments);

    public override void Complete(Task completed)
    {
        if (completed.IsCompletedSuccessfully)
        {
            _completion.TrySetResult(method.GetResult(completed));
        }
        else if (completed.IsCanceled)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetException(completed.Exception!.InnerExceptions.Count == 1
                ? completed.Exception.InnerException!
                : completed.Exception);
        }
    }

    public override bool TryFail(Exception exception) => _completion.TrySetException(exception);
}
