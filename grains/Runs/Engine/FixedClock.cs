namespace Orchestrator.Runs.Engine;

/// <summary>The clock that <c>now()</c> reads in a run's expressions: the time of the command being applied, so the core
/// reads no clock of its own and the same command gives the same result.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
