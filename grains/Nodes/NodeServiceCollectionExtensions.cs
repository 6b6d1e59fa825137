using Microsoft.Extensions.Options;
using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Nodes.Dotnet;
using Orchestrator.Nodes.Executors;

namespace Orchestrator.Nodes;

/// <summary>Registers the node executors.</summary>
public static class NodeServiceCollectionExtensions
{
    /// <summary>Registers an executor for every node type (<see cref="Definitions.NodeTypes.All"/>), the
    /// <see cref="NodeExecutorRegistry"/> that finds them, the catalog of <c>dotnet</c> node classes and the HTTP client
    /// of <c>http</c>, <c>agent</c> and <c>job</c> nodes. The <c>workflow</c>, <c>worker</c> and <c>queue.push</c> executors use the silo's
    /// <see cref="IGrainFactory"/> and stream providers when they run. Calling it again only applies
    /// <paramref name="configure"/>.</summary>
    public static IServiceCollection AddNodeExecutors(this IServiceCollection services, Action<NodeExecutorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<NodeExecutorOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton<TimeProvider>(OrchestratorClock.Key, static (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.AddHttpClient(HttpExecutor.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => OutboundGuard.CreateHandler(sp.GetRequiredService<IOptions<NodeExecutorOptions>>()))
            // The factory's request logs name the URL, which may hold a secret; the node's events say what it called.
            .RemoveAllLoggers();
        services.TryAddSingleton<DotnetNodeCatalog>();
        services.TryAddEnumerable(
        [
            ServiceDescriptor.Singleton<INodeExecutor, NoopExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, DelayExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, LogExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, FailExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, SetExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, ShellExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, HttpExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, DotnetExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, WorkflowExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, QueuePushExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, AgentExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, JobExecutor>(),
            ServiceDescriptor.Singleton<INodeExecutor, Tasks.WorkerTaskExecutor>(),
        ]);
        services.TryAddSingleton<Secrets.SecretStore>();
        services.TryAddSingleton(sp => new NodeExecutorRegistry(sp.GetServices<INodeExecutor>(), sp.GetRequiredService<Secrets.SecretStore>()));
        return services;
    }
}
