using System.Linq.Expressions;
using System.Reflection;

namespace Orchestrator.Runtime.Invocation;

/// <summary>One grain interface method, with its invoker compiled once. Calls never reflect.</summary>
internal abstract class GrainMethod
{
    protected GrainMethod(MethodInfo method)
    {
        Method = method;
        Name = $"{method.DeclaringType!.Name}.{method.Name}";
        IsReadOnly = method.GetCustomAttribute<ReadOnlyAttribute>() is not null;
        Invoke = CompileInvoker(method);
    }

    public MethodInfo Method { get; }

    /// <summary>Interface and method name, for errors, logs and metrics.</summary>
    public string Name { get; }

    public bool IsReadOnly { get; }

    /// <summary>Calls the method on a grain instance and returns its task (value tasks are converted).</summary>
    public Func<object, object?[], Task> Invoke { get; }

    /// <summary>Creates the request object carrying one call.</summary>
    public abstract GrainRequest CreateRequest(object?[] arguments);

    /// <summary>Turns the request's completion into what the interface method returns.</summary>
    public abstract object ToReturnValue(GrainRequest request);

    public static GrainMethod Create(MethodInfo method)
    {
        var returnType = method.ReturnType;
        Type resultType;
        if (returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            resultType = typeof(object);
        }
        else if (returnType.IsGenericType &&
                 (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            resultType = returnType.GetGenericArguments()[0];
        }
        else
        {
            throw new InvalidOperationException(
                $"Grain method {method.DeclaringType?.FullName}.{method.Name} returns {returnType.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }

        return (GrainMethod)Activator.CreateInstance(typeof(GrainMethod<>).MakeGenericType(resultType), method)!;
    }

    private static Func<object, object?[], Task> CompileInvoker(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var parameters = method.GetParameters();
        var callArgs = new Expression[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var element = Expression.ArrayIndex(args, Expression.Constant(i));
            callArgs[i] = Expression.Convert(element, parameters[i].ParameterType);
        }

        Expression call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, callArgs);
        if (method.ReturnType == typeof(ValueTask) ||
            (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            call = Expression.Call(call, method.ReturnType.GetMethod(nameof(ValueTask.AsTask))!);
        }

        var body = Expression.Convert(call, typeof(Task));
        return Expression.Lambda<Func<object, object?[], Task>>(body, grain, args).Compile();
    }
}
