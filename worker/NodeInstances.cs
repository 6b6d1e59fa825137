using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Worker;

/// <summary>The node instances of the worker, one per node name: created and initialized once, then reused by every call
/// (in a loop a node keeps its instance for as long as the loop runs), disposed when the worker stops.</summary>
internal sealed class NodeInstances
{
    private readonly ConcurrentDictionary<string, NodeLoadContext> _contexts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NodeInstance> _instances = new(StringComparer.Ordinal);

    /// <summary>Creates and initializes the instance of <paramref name="config"/>'s node, unless it exists already.</summary>
    public async Task CreateAsync(string className, string assemblyPath, NodeConfig config, CancellationToken cancellationToken)
    {
        var candidate = new NodeInstance(className, assemblyPath);
        var instance = _instances.GetOrAdd(config.Name, candidate);
        if (!ReferenceEquals(instance, candidate))
        {
            if (instance.ClassName != className || instance.AssemblyPath != assemblyPath)
            {
                throw new InvalidOperationException(
                    $"node '{config.Name}' already runs {instance.ClassName} from '{instance.AssemblyPath}' in this worker; it cannot also be {className} from '{assemblyPath}'.");
            }

            await instance.Ready.Task;
            return;
        }

        try
        {
            var node = Instantiate(className, assemblyPath, config.Name);
            await node.InitializeAsync(config, cancellationToken);
            instance.Ready.SetResult(node);
        }
        catch (Exception exception)
        {
            // A failed creation leaves no instance behind, so that the next attempt tries again.
            _instances.TryRemove(new KeyValuePair<string, NodeInstance>(config.Name, instance));
            instance.Ready.SetException(exception);
            throw;
        }
    }

    /// <summary>The instance of the node named <paramref name="name"/>, once it is initialized.</summary>
    public async Task<BaseNode> GetAsync(string name) =>
        _instances.TryGetValue(name, out var instance)
            ? await instance.Ready.Task
            : throw new InvalidOperationException($"node '{name}' has not been created in this worker.");

    /// <summary>Runs a blocking or non-blocking node once.</summary>
    public async Task<JsonNode?> RunAsync(string name, NodeData data, CancellationToken cancellationToken) =>
        await GetAsync(name) switch
        {
            BlockingNode blocking => await blocking.RunAsync(data, cancellationToken),
            NonBlockingNode nonBlocking => await nonBlocking.RunAsync(data, cancellationToken),
            var other => throw new InvalidOperationException(
                $"node '{name}' ({other.GetType().FullName}) is a producer: its values are pulled one at a time, it is not run."),
        };

    /// <summary>Disposes every instance that is disposable; a failure is reported on standard error and does not stop the others.</summary>
    public async Task DisposeAllAsync()
    {
        foreach (var (name, instance) in _instances)
        {
            if (!instance.Ready.Task.IsCompletedSuccessfully)
            {
                continue;
            }

            try
            {
                switch (instance.Ready.Task.Result)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync();
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception exception)
            {
                await Console.Error.WriteLineAsync($"worker: disposing node '{name}' failed: {exception}");
            }
        }

        _instances.Clear();
    }

    private BaseNode Instantiate(string className, string assemblyPath, string name)
    {
        var fullPath = Path.GetFullPath(assemblyPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"node '{name}': the assembly '{fullPath}' of {className} does not exist.", fullPath);
        }

        var context = _contexts.GetOrAdd(fullPath, path => new NodeLoadContext(path));
        var type = context.NodeAssembly.GetType(className, throwOnError: false)
            ?? throw new InvalidOperationException($"node '{name}': the class {className} was not found in '{fullPath}'.");
        if (type.IsAbstract || !typeof(BaseNode).IsAssignableFrom(type))
        {
            throw new InvalidOperationException(
                $"node '{name}': {className} is not a concrete BlockingNode, NonBlockingNode or ProducerNode "
                + "(or it derives from another copy of Orchestrator.GrainInterfaces than the worker's).");
        }

        // No service container here: a node may take the clock, and nothing else.
        var constructor = type.GetConstructors()
            .OrderByDescending(candidate => candidate.GetParameters().Length)
            .FirstOrDefault(candidate => candidate.GetParameters().All(parameter => parameter.ParameterType == typeof(TimeProvider)))
            ?? throw new InvalidOperationException(
                $"node '{name}': {className} has no public constructor the worker can call; a node that runs in a worker process "
                + "gets no services other than a TimeProvider.");
        try
        {
            return (BaseNode)constructor.Invoke([.. constructor.GetParameters().Select(_ => TimeProvider.System)]);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    private sealed class NodeInstance(string className, string assemblyPath)
    {
        public string ClassName { get; } = className;

        public string AssemblyPath { get; } = assemblyPath;

        public TaskCompletionSource<BaseNode> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
