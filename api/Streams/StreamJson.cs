using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Runs;

namespace Orchestrator.Api.Streams;

/// <summary>How stream messages are written: the HTTP API's JSON (camelCase, no null members), so that an event reads
/// the same from <c>GET /api/runs/{id}/events</c> and from the WebSocket; text is not HTML-escaped (messages are never
/// embedded in a page).</summary>
internal static class StreamJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // A live event is one object handed to every subscriber of its run: it is written once for all of them.
    private static readonly ConditionalWeakTable<RunEvent, byte[]> Written = [];

    public static byte[] Serialize(RunEvent runEvent) =>
        Written.GetValue(runEvent, static e => JsonSerializer.SerializeToUtf8Bytes(e, Options));
}
