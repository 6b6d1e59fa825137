using System.Reflection;

namespace Orchestrator.Runtime.Invocation;

/// <summary>The object behind a grain reference: turns interface calls into requests to the grain's activation.</summary>
public class GrainProxy : DispatchProxy
{
    private GrainId _grainId;
    private GrainCaller? _caller;

    /// <summary>The referenced grain.</summary>
    public GrainId GrainId => _grainId;

    internal void Bind(GrainId grainId, GrainCaller caller)
    {
        _grainId = grainId;
        _caller = caller;
    }

    /// <inheritdoc/>
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.DeclaringType == typeof(object))
        {
            return targetMethod.Name switch
            {
                nameof(ToString) => _grainId.ToString(),
                nameof(GetHashCode) => _grainId.GetHashCode(),
                nameof(Equals) => args?[0] is GrainProxy other && other._grainId == _grainId,
                _ => throw new NotSupportedException(targetMethod.Name),
            };
        }

        var method = GrainMethodTable.Get(targetMethod);
        var request = method.CreateRequest(args ?? []);
        _caller!.Send(_grainId, request);
        return method.ToReturnValue(request);
    }
}
