namespace Orchestrator.Providers.Postgres;

/// <summary>An arc (begin, end] of Orleans' hash ring (unsigned 32-bit) as ranges of the signed 32-bit values the
/// database stores: the hash's bits read as <c>int</c>, so hashes from 2^31 up are negative there. When begin is not
/// below end the arc wraps past the top of the ring (begin == end is the whole ring).</summary>
internal static class RingArc
{
    private const long RingSize = 1L << 32;
    private const long SignedTop = int.MaxValue;

    /// <summary>The hash as the database stores it.</summary>
    public static int ToStored(uint hash) => unchecked((int)hash);

    /// <summary>One to three inclusive ranges of stored values that together hold exactly the arc's hashes.</summary>
    public static IReadOnlyList<(int Low, int High)> ToStoredRanges(uint begin, uint end)
    {
        var unsigned = new List<(long Low, long High)>(2);
        if (begin < end)
        {
            unsigned.Add((begin + 1L, end));
        }
        else
        {
            if (begin < uint.MaxValue)
            {
                unsigned.Add((begin + 1L, uint.MaxValue));
            }

            unsigned.Add((0, end));
        }

        var stored = new List<(int Low, int High)>(3);
        foreach (var (low, high) in unsigned)
        {
            if (high <= SignedTop)
            {
                stored.Add(((int)low, (int)high));
            }
            else if (low > SignedTop)
            {
                stored.Add(((int)(low - RingSize), (int)(high - RingSize)));
            }
            else
            {
                stored.Add(((int)low, int.MaxValue));
                stored.Add((int.MinValue, (int)(high - RingSize)));
            }
        }

        return stored;
    }
}
