using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.Serialization;

namespace Orchestrator.Serialization;

/// <summary>How the orchestrator's records cross grain calls. They are JSON-shaped already (the API's bodies, the grains'
/// stored states, definitions with their own converters, <see cref="JsonNode"/> values throughout), so Orleans carries
/// them with its System.Text.Json codec, under the same options the API and storage use. Exceptions keep Orleans' own
/// codecs (<c>[GenerateSerializer]</c>). Silos and clients both register this.</summary>
public static class OrchestratorSerialization
{
    private static readonly System.Reflection.Assembly Contracts = typeof(OrchestratorSerialization).Assembly;

    /// <summary>Adds the System.Text.Json codec for the contracts' records and for <see cref="JsonNode"/>s.</summary>
    public static ISerializerBuilder AddOrchestratorContracts(this ISerializerBuilder serializer) =>
        serializer.AddJsonSerializer(isSupported: IsCarriedAsJson, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>True for the types the JSON codec carries.</summary>
    public static bool IsCarriedAsJson(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return typeof(JsonNode).IsAssignableFrom(type)
            || (type.Assembly == Contracts && !typeof(Exception).IsAssignableFrom(type) && !type.IsInterface && !type.IsAbstract);
    }
}
