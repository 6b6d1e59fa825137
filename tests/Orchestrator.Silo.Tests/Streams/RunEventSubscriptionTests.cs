using Orchestrator.Api.Streams;
using Orchestrator.Runs;

namespace Orchestrator.Silo.Tests.Streams;

public sealed class RunEventSubscriptionTests
{
    [Fact]
    public async Task Read_GivesEveryEventOnceInOrder_WhenEventsLandWhileTheLogIsReplayed()
    {
        var run = new ScriptedRun();
        run.Persist(1, 2, 3, 4, 5);
        run.OnRead = async after =>
        {
            if (after == 2)
            {
                // Published between two replay pages: 6 and 7 reach both the log and the live buffer.
                run.Persist(6, 7);
                await run.Publish(6);
                await run.Publish(7);
            }
        };
        await using var subscription = await RunEventSubscription.OpenAsync(run, run, capacity: 100, pageSize: 2, onOverflow: null);

        var seqs = await ReadAsync(subscription, after: 0, count: 7);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], seqs);
        Assert.True(run.Reads >= 4);
    }

    [Fact]
    public async Task Read_FillsTheGapFromTheLog_WhenTheLiveStreamDroppedEvents()
    {
        var run = new ScriptedRun();
        run.Persist(1, 2);
        await using var subscription = await RunEventSubscription.OpenAsync(run, run, capacity: 100, pageSize: 10, onOverflow: null);
        run.Persist(3, 4, 5, 6);
        // The live stream dropped 3, 4 and 5.
        await run.Publish(6);

        var seqs = await ReadAsync(subscription, after: 0, count: 6);

        Assert.Equal([1, 2, 3, 4, 5, 6], seqs);
    }

    [Fact]
    public async Task Read_StartsAfterTheGivenSeq_AndSkipsLiveEventsUpToIt()
    {
        var run = new ScriptedRun();
        run.Persist(1, 2, 3, 4);
        await using var subscription = await RunEventSubscription.OpenAsync(run, run, capacity: 100, pageSize: 10, onOverflow: null);
        await run.Publish(4);
        run.Persist(5);
        await run.Publish(5);

        var seqs = await ReadAsync(subscription, after: 3, count: 2);

        Assert.Equal([4, 5], seqs);
    }

    [Fact]
    public async Task Read_ThrowsTooSlowAndReportsIt_WhenMoreThanTheBufferIsPending()
    {
        var run = new ScriptedRun();
        string? reason = null;
        await using var subscription = await RunEventSubscription.OpenAsync(run, run, capacity: 3, pageSize: 10, onOverflow: r => reason = r);
        run.Persist(1, 2, 3, 4);
        foreach (var seq in new long[] { 1, 2, 3, 4 })
        {
            await run.Publish(seq);
        }

        var error = await Assert.ThrowsAsync<SubscriberTooSlowException>(() => ReadAsync(subscription, after: 0, count: 4));

        Assert.Equal("subscriber too slow: more than 3 events behind", error.Message);
        Assert.Equal(error.Message, reason);
    }

    [Theory]
    [InlineData(5, 5, "Duplicate")]
    [InlineData(5, 3, "Duplicate")]
    [InlineData(5, 6, "Next")]
    [InlineData(5, 9, "Gap")]
    public void Sequencer_ClassifiesArrivals_AgainstTheLastSent(long last, long arriving, string expected)
    {
        Assert.Equal(expected, new RunEventSequencer(last).Classify(arriving).ToString());
    }

    [Fact]
    public void Sequencer_RefusesToAdvancePastAGap()
    {
        var order = new RunEventSequencer(0);
        order.Advance(1);

        Assert.Throws<InvalidOperationException>(() => order.Advance(3));
        Assert.Equal(1, order.LastSeq);
    }

    private static async Task<List<long>> ReadAsync(RunEventSubscription subscription, long after, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seqs = new List<long>();
        await foreach (RunEvent runEvent in subscription.ReadAsync(after, timeout.Token))
        {
            seqs.Add(runEvent.Seq);
            if (seqs.Count == count)
            {
                break;
            }
        }

        return seqs;
    }
}
