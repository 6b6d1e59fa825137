using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Providers.Storage;

/// <summary>How grain states are stored: camelCase JSON with null members left out (a state is rewritten whole on every
/// write, so its size is paid each time).</summary>
public static class StorageJson
{
    /// <summary>New default options; each backend keeps its own instance.</summary>
    public static JsonSerializerOptions CreateOptions() => new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
