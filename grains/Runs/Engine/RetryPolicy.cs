using Orchestrator.Definitions;

namespace Orchestrator.Runs.Engine;

/// <summary>A node's retry policy with durations parsed: attempt <c>n + 1</c> starts
/// <c>initialDelay · multiplier^(n−1)</c> after attempt <c>n</c> failed, capped at <see cref="MaxDelay"/>, then spread
/// by ± <see cref="Jitter"/>.</summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialDelay, double Multiplier, TimeSpan? MaxDelay, double Jitter)
{
    /// <summary>The policy of nodes that give none: 3 attempts, 1 s then 2 s apart (no cap, no jitter).</summary>
    public static RetryPolicy Default { get; } = new(3, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(5), 0);

    public static RetryPolicy From(RetryPolicyDefinition? definition) =>
        definition is null
            ? Default
            : new RetryPolicy(
                definition.MaxAttempts,
                Duration.Parse(definition.InitialDelay),
                definition.Multiplier,
                definition.MaxDelay is null ? null : Duration.Parse(definition.MaxDelay),
                definition.Jitter);

    /// <summary>The delay before the attempt after <paramref name="failedAttempt"/> (1-based). <paramref name="random"/>
    /// is a number in [0, 1) that picks the jitter.</summary>
    public TimeSpan NextDelay(int failedAttempt, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        var milliseconds = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, failedAttempt - 1);
        if (MaxDelay is { } cap)
        {
            milliseconds = Math.Min(milliseconds, cap.TotalMilliseconds);
        }

        milliseconds *= 1 + (Jitter * ((2 * random) - 1));
        return TimeSpan.FromMilliseconds(Math.Clamp(milliseconds, 0, TimeSpan.FromDays(365).TotalMilliseconds));
    }
}
