using System.Text;
using System.Text.Json;

namespace Orchestrator.WorkerProtocol;

/// <summary>The JSON conventions of the protocol: one object per line, camelCase properties, UTF-8 without a byte order
/// mark.</summary>
public static class WorkerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}
