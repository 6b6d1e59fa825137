using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Problems;

/// <summary>Reads a JSON request body into a record, or says what is wrong with it as a problem naming
/// the field: <c>415</c> for a body that is not JSON, <c>413</c> past <see cref="RequestLimits.MaxRequestBodyBytes"/>,
/// <c>400</c> for malformed JSON or a member of the wrong type (<c>{"workflow": 5}</c>).</summary>
/// <remarks>Endpoints read bodies themselves, instead of binding them, so that a bad body is answered with the field it
/// concerns rather than the framework's bare <c>400</c>.</remarks>
internal static class JsonBody
{
    public const string Expected = "application/json";

    /// <summary>The body, or default with no problem when it is empty and <paramref name="required"/> is false.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, bool required, CancellationToken cancellationToken)
        where T : class
    {
        var (bytes, problem) = await RequestBody.ReadAsync(request, RequestLimits.MaxRequestBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (bytes.Length == 0)
        {
            return required ? (null, ApiProblems.BadRequest("body", $"the request needs a JSON body ({Expected})")) : (null, null);
        }

        if (!IsJson(request.ContentType))
        {
            return (null, ApiProblems.UnsupportedMediaType(request.ContentType, Expected));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes.Span, options);
            return value is null
                ? (null, ApiProblems.BadRequest("body", "the body must be a JSON object, not null"))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.BadRequest(FieldOf(e.Path), $"the body is not acceptable JSON: {MessageOf(e)}"));
        }
    }

    /// <summary>True for <c>application/json</c>, <c>text/json</c>, any <c>+json</c> type, and a missing Content-Type.</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>$.input.items[2]</c> → <c>input.items[2]</c>; the root → <c>body</c>.</summary>
    internal static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string MessageOf(JsonException exception)
    {
        // The serializer appends "Path: … | LineNumber: … | BytePositionInLine: …"; the field is reported on its own.
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
