using System.Reflection;

namespace Orchestrator.Runtime.Invocation;

/// <summary>A grain method whose result (or none, as <see cref="object"/>) is <typeparamref name="TResult"/>.</summary>
internal sealed class GrainMethod<TResult>(MethodInfo method) : GrainMethod(method)
{
    private readonly bool _returnsValueTask = method.ReturnType == typeof(ValueTask) ||
        (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>));

    private readonly bool _hasResult = method.ReturnType.IsGenericType;

    public override GrainRequest CreateRequest(object?[] arguments) => new GrainRequest<TResult>(this, arguments);

    public override object ToReturnValue(GrainRequest request)
    {
        var task = ((GrainRequest<TResult>)request).Task;
        if (!_returnsValueTask)
        {
            return task;
        }

        return _hasResult ? new ValueTask<TResult>(task) : new ValueTask(task);
    }

    /// <summary>Reads the grain method's result from its completed task.</summary>
    public TResult GetResult(Task completed) =>
        _hasResult ? ((Task<TResult>)completed).Result : default!;
}
