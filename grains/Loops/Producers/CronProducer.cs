using Orchestrator.Schedules;

namespace Orchestrator.Loops.Producers;

/// <summary><c>cron {expression, timeZone}</c>: an iteration at each occurrence; occurrences that pass while an
/// iteration runs or while the loop is paused are not made up.</summary>
internal sealed class CronProducer(ScheduleCalendar calendar, TimeProvider clock) : LoopProducer
{
    public override async Task RunAsync(IterateAsync iterate, PauseGate gate, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (calendar.NextAfter(clock.GetUtcNow()) is not { } due)
            {
                return;
            }

            var wait = due - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, cancellationToken);
            }

            await gate.WaitAsync(cancellationToken);
            await iterate(new LoopTrigger(null), cancellationToken);
        }
    }
}
