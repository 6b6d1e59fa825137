using System.Reflection;
using System.Text.Json.Nodes;

namespace Orchestrator.Client.Workers;

/// <summary>Turns the <see cref="TaskHandlerAttribute"/> methods of an object into handlers.</summary>
internal static class TaskHandlerMethods
{
    public static IEnumerable<(string Queue, Func<WorkerTask, CancellationToken, Task<JsonNode?>> Handler)> Find(object target)
    {
        var methods = target.GetType().GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
        foreach (var method in methods)
        {
            if (method.GetCustomAttribute<TaskHandlerAttribute>() is not { } attribute)
            {
                continue;
            }

            var parameters = method.GetParameters();
            foreach (var parameter in parameters)
            {
                if (parameter.ParameterType != typeof(WorkerTask) && parameter.ParameterType != typeof(CancellationToken)
                    && !typeof(JsonNode).IsAssignableFrom(parameter.ParameterType))
                {
                    throw new ArgumentException(
                        $"Task handler {method.DeclaringType?.Name}.{method.Name}: parameter '{parameter.Name}' must be a WorkerTask, a JsonNode or a CancellationToken.",
                        nameof(target));
                }
            }

            yield return (attribute.Queue, (task, cancellationToken) => InvokeAsync(target, method, parameters, task, cancellationToken));
        }
    }

    private static async Task<JsonNode?> InvokeAsync(object target, MethodInfo method, ParameterInfo[] parameters, WorkerTask task, CancellationToken cancellationToken)
    {
        var arguments = parameters.Select(p => p.ParameterType == typeof(WorkerTask) ? task
            : p.ParameterType == typeof(CancellationToken) ? (object)cancellationToken
            : task.Input?.DeepClone()).ToArray();
        object? result;
        try
        {
            result = method.Invoke(method.IsStatic ? null : target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        if (result is Task awaited)
        {
            await awaited.ConfigureAwait(false);
            var type = awaited.GetType();
            result = type.IsGenericType && type.GetProperty(nameof(Task<object>.Result)) is { } property && property.PropertyType.Name != "VoidTaskResult"
                ? property.GetValue(awaited)
                : null;
        }

        return OrchestratorWorker.ToOutput(result);
    }
}
