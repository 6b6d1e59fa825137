namespace Orchestrator.Providers.Streams;

/// <summary>The silo's stream providers by name.</summary>
internal sealed class StreamProviderRegistry(IEnumerable<IStreamProvider> providers) : IStreamProviderRegistry
{
    private readonly Dictionary<string, IStreamProvider> _providers = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IStreamProvider GetProvider(string name) =>
        _providers.TryGetValue(name, out var provider)
            ? provider
            : throw new KeyNotFoundException($"No stream provider named '{name}'; this silo has: {string.Join(", ", _providers.Keys)}.");
}
