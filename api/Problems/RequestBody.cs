using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orchestrator.Api.Problems;

/// <summary>Reads a whole request body, bounded.</summary>
internal static class RequestBody
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>The body's bytes, or a <c>413</c> problem as soon as it is known to pass <paramref name="limit"/>.</summary>
    /// <remarks>A body whose length is declared is read straight into one array of that length; a chunked one through a
    /// pooled buffer.</remarks>
    public static async Task<(ReadOnlyMemory<byte> Bytes, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared)
        {
            if (declared > limit)
            {
                return (ReadOnlyMemory<byte>.Empty, ApiProblems.PayloadTooLarge(limit));
            }

            // The server ends the body at the declared length, so it cannot pass the limit.
            var bytes = new byte[declared];
            var filled = 0;
            int got;
            while (filled < bytes.Length && (got = await request.Body.ReadAsync(bytes.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += got;
            }

            return (bytes.AsMemory(0, filled), null);
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (ReadOnlyMemory<byte>.Empty, ApiProblems.PayloadTooLarge(limit));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffer.ToArray(), null);
    }
}
