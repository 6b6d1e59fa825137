using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Nodes.Dotnet;

/// <summary>Creating and disposing instances of <c>dotnet</c> node classes in the silo.</summary>
internal static class NodeInstances
{
    /// <summary>A new instance, its constructor parameters taken from <paramref name="given"/> where their types match,
    /// else resolved from <paramref name="services"/>.</summary>
    /// <exception cref="NodeExecutionException">The class could not be created; the message names the node and class.</exception>
    public static BaseNode Create(IServiceProvider services, Type nodeClass, string node, params object[] given)
    {
        try
        {
            // Only what some constructor asks for: a constructor must take every argument it is given.
            var wanted = given.Where(argument => nodeClass.GetConstructors()
                .Any(constructor => constructor.GetParameters().Any(parameter => parameter.ParameterType.IsInstanceOfType(argument)))).ToArray();
            return (BaseNode)ActivatorUtilities.CreateInstance(services, nodeClass, wanted);
        }
        catch (InvalidOperationException e)
        {
            throw new NodeExecutionException($"dotnet node '{node}': {nodeClass.FullName} could not be created: {e.Message}", e);
        }
    }

    /// <summary>Disposes the instance if it is (async) disposable.</summary>
    public static async ValueTask DisposeAsync(BaseNode? instance)
    {
        switch (instance)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
