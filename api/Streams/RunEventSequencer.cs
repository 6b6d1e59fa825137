namespace Orchestrator.Api.Streams;

/// <summary>Keeps what a subscriber gets gapless and free of duplicates: it knows the last sequence number sent and
/// classifies each arriving one.</summary>
internal sealed class RunEventSequencer(long after)
{
    /// <summary>The last sequence number sent (the subscriber's <c>after</c> before anything was sent).</summary>
    public long LastSeq { get; private set; } = after;

    public RunEventOrder Classify(long seq) =>
        seq <= LastSeq ? RunEventOrder.Duplicate : seq == LastSeq + 1 ? RunEventOrder.Next : RunEventOrder.Gap;

    /// <summary>Records that <paramref name="seq"/>, the next one, was sent.</summary>
    public void Advance(long seq)
    {
        if (seq != LastSeq + 1)
        {
            throw new InvalidOperationException($"Event {seq} cannot follow event {LastSeq}.");
        }

        LastSeq = seq;
    }
}
