using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orchestrator.Api.Problems;

/// <summary>Reads a whole request body, bounded.</summary>
internal static class RequestBody
{
    /// <summary>The body's bytes, or a <c>413</c> problem as soon as it is known to pass <paramref name="limit"/>.</summary>
    public static async Task<(ReadOnlyMemory<byte> Bytes, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (ReadOnlyMemory<byte>.Empty, ApiProblems.PayloadTooLarge(limit));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (ReadOnlyMemory<byte>.Empty, ApiProblems.PayloadTooLarge(limit));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }
}
