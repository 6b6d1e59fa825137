namespace Orchestrator.Loops.Producers;

/// <summary><c>interval {every}</c>: an iteration every <c>every</c>, measured from the start of the previous one. An
/// iteration that takes longer delays the next (which then starts at once); missed ticks are not made up.</summary>
internal sealed class IntervalProducer(TimeSpan every, TimeProvider clock) : LoopProducer
{
    public override async Task RunAsync(IterateAsync iterate, PauseGate gate, CancellationToken cancellationToken)
    {
        var next = clock.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = next - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, cancellationToken);
            }

            await gate.WaitAsync(cancellationToken);
            var started = clock.GetUtcNow();
            next = started + every;
            await iterate(new LoopTrigger(null), cancellationToken);
        }
    }
}
