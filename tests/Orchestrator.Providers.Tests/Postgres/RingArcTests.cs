using Orchestrator.Providers.Postgres;

namespace Orchestrator.Providers.Tests.Postgres;

/// <summary>The ring arcs Orleans asks reminders for, turned into ranges of the signed hashes the database stores.</summary>
public sealed class RingArcTests
{
    private static readonly uint[] Hashes =
    [
        0, 1, 2, 1000, int.MaxValue - 1, int.MaxValue, 1u << 31, (1u << 31) + 1, 3_000_000_000, uint.MaxValue - 1, uint.MaxValue,
    ];

    public static TheoryData<uint, uint> Arcs => new()
    {
        { 0, 0 },
        { 10, 1000 },
        { 1000, 10 },
        { 0, int.MaxValue },
        { int.MaxValue, 1u << 31 },
        { 1u << 31, 3_000_000_000 },
        { 3_000_000_000, 5 },
        { 5, 3_000_000_000 },
        { uint.MaxValue, 0 },
        { uint.MaxValue, 7 },
        { uint.MaxValue - 1, uint.MaxValue },
        { 7, 7 },
        { uint.MaxValue, uint.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Arcs))]
    public void ToStoredRanges_HoldExactlyTheArcsHashes_WhenReadAsSignedIntegers(uint begin, uint end)
    {
        var ranges = RingArc.ToStoredRanges(begin, end);

        Assert.InRange(ranges.Count, 1, 3);
        foreach (var hash in Hashes.Concat([begin, end, begin + 1, end + 1, begin - 1, end - 1]))
        {
            var stored = RingArc.ToStored(hash);
            var inArc = begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
            Assert.True(inArc == ranges.Any(range => stored >= range.Low && stored <= range.High),
                $"hash {hash} (stored {stored}) in arc ({begin}, {end}]: expected {inArc}");
        }
    }

    [Fact]
    public void ToStored_KeepsTheHashBits_WhenTheHashIsAboveTheSignedMaximum()
    {
        Assert.Equal(int.MinValue, RingArc.ToStored(1u << 31));
        Assert.Equal(-1, RingArc.ToStored(uint.MaxValue));
        Assert.Equal(int.MaxValue, RingArc.ToStored(int.MaxValue));
    }
}
