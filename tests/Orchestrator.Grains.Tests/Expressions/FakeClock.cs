namespace Orchestrator.Grains.Tests.Expressions;

/// <summary>A clock fixed at one instant.</summary>
internal sealed class FakeClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
