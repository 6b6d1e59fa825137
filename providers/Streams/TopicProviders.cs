namespace Orchestrator.Providers.Streams;

/// <summary>Resolves stream providers from a service provider.</summary>
public static class TopicProviders
{
    /// <summary>Returns the provider named <paramref name="name"/>.</summary>
    public static ITopicProvider Get(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registry = services.GetService(typeof(ITopicProviderRegistry)) as ITopicProviderRegistry
            ?? throw new InvalidOperationException("No stream providers are registered in this silo.");
        return registry.GetProvider(name);
    }
}
