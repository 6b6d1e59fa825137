using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Nodes;

namespace Orchestrator.Tasks;

/// <summary>Registers remote workers' side of the engine.</summary>
public static class TaskServiceCollectionExtensions
{
    /// <summary>Adds the executor of <c>worker</c> nodes, which puts their attempts on task queues.</summary>
    public static IServiceCollection AddWorkerTasks(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INodeExecutor, WorkerTaskExecutor>());
        return services;
    }
}
