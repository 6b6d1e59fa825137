using System.Text;
using Microsoft.AspNetCore.Http;
using Orchestrator.Definitions;

namespace Orchestrator.Api.Compat;

/// <summary>Reads the body of a seed route, bounded by <see cref="DefinitionLimits.MaxDefinitionBytes"/>.</summary>
internal static class SeedRequestBody
{
    private const int Limit = DefinitionLimits.MaxDefinitionBytes;

    /// <summary>The body's bytes, or a problem when it is empty or too large.</summary>
    public static async Task<(byte[]? Bytes, string? Problem)> ReadAsync(HttpRequest request, string whatIsMissing, CancellationToken cancellationToken)
    {
        if (request.ContentLength > Limit)
        {
            return (null, $"the body is larger than {Limit} bytes");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > Limit)
            {
                return (null, $"the body is larger than {Limit} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == 0 ? (null, whatIsMissing) : (buffer.ToArray(), null);
    }

    /// <summary>A definition: the body as UTF-8 text.</summary>
    public static async Task<(string? Text, string? Problem)> ReadDefinitionAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (bytes, problem) = await ReadAsync(request, "the request has no definition (JSON, or YAML with Content-Type: application/yaml)", cancellationToken);
        if (bytes is null)
        {
            return (null, problem);
        }

        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "the definition is not valid UTF-8");
        }
    }

    /// <summary>The definition format the content type names (YAML, JSON, or either).</summary>
    public static DefinitionFormat FormatOf(HttpRequest request) => request.ContentType switch
    {
        { } type when type.Contains("yaml", StringComparison.OrdinalIgnoreCase) => DefinitionFormat.Yaml,
        { } type when type.Contains("json", StringComparison.OrdinalIgnoreCase) => DefinitionFormat.Json,
        _ => DefinitionFormat.Auto,
    };
}
