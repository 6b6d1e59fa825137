namespace Orchestrator.Nodes.Executors;

/// <summary>The first bytes of a stream, up to a cap, and whether there were more.</summary>
internal sealed record CappedContent(byte[] Bytes, bool Truncated)
{
    private const int BufferSize = 16 * 1024;

    /// <summary>Reads <paramref name="stream"/> to its end, keeping at most <paramref name="maxBytes"/> bytes. With
    /// <paramref name="drain"/> the rest is read and dropped (a child process must never block on a full pipe);
    /// without it reading stops one byte past the cap.</summary>
    public static async Task<CappedContent> ReadAsync(Stream stream, int maxBytes, bool drain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var kept = new MemoryStream();
        var buffer = new byte[BufferSize];
        var truncated = false;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            var room = maxBytes - (int)kept.Length;
            if (read > room)
            {
                kept.Write(buffer, 0, Math.Max(room, 0));
                truncated = true;
                if (!drain)
                {
                    break;
                }
            }
            else
            {
                kept.Write(buffer, 0, read);
            }
        }

        return new CappedContent(kept.ToArray(), truncated);
    }
}
