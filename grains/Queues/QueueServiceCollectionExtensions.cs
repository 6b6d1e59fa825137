using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Queues;

/// <summary>Registers the queue services with a silo host.</summary>
public static class QueueServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IQueueDirectory"/>, which reads the named queues from the silo's stream store.</summary>
    public static IServiceCollection AddQueues(this IServiceCollection services)
    {
        services.AddSingleton<IQueueDirectory, QueueDirectory>();
        return services;
    }
}
