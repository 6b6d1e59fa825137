namespace Orchestrator.Providers.Streams;

/// <summary>The silo's stream providers by name.</summary>
internal sealed class TopicProviderRegistry(IEnumerable<ITopicProvider> providers) : ITopicProviderRegistry
{
    private readonly Dictionary<string, ITopicProvider> _providers = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public ITopicProvider GetProvider(string name) =>
        _providers.TryGetValue(name, out var provider)
            ? provider
            : throw new KeyNotFoundException($"No stream provider named '{name}'; this silo has: {string.Join(", ", _providers.Keys)}.");
}
