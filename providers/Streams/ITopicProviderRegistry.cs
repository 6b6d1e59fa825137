namespace Orchestrator.Providers.Streams;

/// <summary>Looks up stream providers by name; the silo registers one in its services.</summary>
public interface ITopicProviderRegistry
{
    /// <summary>Returns the provider named <paramref name="name"/> or throws naming the known ones.</summary>
    ITopicProvider GetProvider(string name);
}
