using System.Text.Json;
using Orleans.Storage;

namespace Orchestrator.Testing;

/// <summary>Reads and writes a grain's stored state as raw JSON, through the grain storage provider, the way a silo that
/// died at a given moment would have left it.</summary>
public static class RawStates
{
    /// <summary>The stored JSON and its ETag, or null when no record exists.</summary>
    public static async Task<(string Json, string Etag)?> ReadAsync(IGrainStorage storage, GrainId grainId, string stateName)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var state = new GrainState<JsonElement>();
        await storage.ReadStateAsync(stateName, grainId, state);
        return state.RecordExists ? (state.State.GetRawText(), state.ETag!) : null;
    }

    /// <summary>Writes <paramref name="json"/> over the record stored at <paramref name="etag"/>; returns the new ETag.</summary>
    public static async Task<string> WriteAsync(IGrainStorage storage, GrainId grainId, string stateName, string json, string? etag)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var state = new GrainState<JsonElement>(JsonDocument.Parse(json).RootElement, etag) { RecordExists = etag is not null };
        await storage.WriteStateAsync(stateName, grainId, state);
        return state.ETag!;
    }
}
