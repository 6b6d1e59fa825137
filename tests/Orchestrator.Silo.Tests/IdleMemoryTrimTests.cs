using Orchestrator.Silo.Memory;

namespace Orchestrator.Silo.Tests;

/// <summary>When the silo hands back the GC's committed memory: only while quiet, first when the GC holds far more than
/// its heap, then every few checks while that still hands back something.</summary>
public sealed class IdleMemoryTrimTests
{
    private const long Mb = 1L << 20;

    [Fact]
    public void AQuietSilo_IsTrimmed_WhileTrimsHandBackMemory_AndAgainAfterItWasBusy()
    {
        var decision = new IdleMemoryTrimDecision();
        Assert.False(decision.Observe(new(0, 300 * Mb, 100 * Mb)));

        // A burst: allocated 2 GB since the last check. No trim while busy.
        Assert.False(decision.Observe(new(2048 * Mb, 300 * Mb, 100 * Mb)));

        // Quiet (30 MB in a check) with 200 MB committed beyond the heap: trim.
        var allocated = 2078 * Mb;
        Assert.True(decision.Observe(new(allocated, 300 * Mb, 100 * Mb)));
        decision.Trimmed(new(allocated, 300 * Mb, 100 * Mb), new(allocated, 120 * Mb, 100 * Mb));

        // Again after four quiet checks (the runs' activations collected meanwhile), however little the slack looks.
        var answers = new List<bool>();
        for (var check = 0; check < 4; check++)
        {
            allocated += 30 * Mb;
            answers.Add(decision.Observe(new(allocated, 120 * Mb, 100 * Mb)));
        }

        Assert.Equal([false, false, false, true], answers);

        // That one handed back only 8 MB: no more in this quiet spell.
        decision.Trimmed(new(allocated, 120 * Mb, 100 * Mb), new(allocated, 112 * Mb, 30 * Mb));
        for (var check = 0; check < 10; check++)
        {
            allocated += 30 * Mb;
            Assert.False(decision.Observe(new(allocated, 300 * Mb, 30 * Mb)));
        }

        // Busy again, then quiet again: trimmed again.
        allocated += 4096 * Mb;
        Assert.False(decision.Observe(new(allocated, 300 * Mb, 100 * Mb)));
        Assert.True(decision.Observe(new(allocated + Mb, 300 * Mb, 100 * Mb)));
    }

    [Fact]
    public void AQuietSilo_WhoseGcHoldsLittleBeyondItsHeap_IsLeftAlone()
    {
        var decision = new IdleMemoryTrimDecision();
        decision.Observe(new(0, 100 * Mb, 60 * Mb));

        Assert.False(decision.Observe(new(10 * Mb, 100 * Mb, 60 * Mb)));
        Assert.False(decision.Observe(new(20 * Mb, 123 * Mb, 60 * Mb)));
        Assert.True(decision.Observe(new(30 * Mb, 124 * Mb, 60 * Mb)));
    }
}
