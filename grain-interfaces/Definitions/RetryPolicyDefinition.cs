namespace Orchestrator.Definitions;

/// <summary>
/// How a node's failed attempts are retried: attempt <c>n + 1</c> starts <c>initialDelay * multiplier^(n-1)</c>
/// after attempt <c>n</c> failed, capped at <see cref="MaxDelay"/>, spread by <see cref="Jitter"/>.
/// </summary>
public sealed record RetryPolicyDefinition
{
    /// <summary>Attempts in all, the first included: 1 to <see cref="DefinitionLimits.MaxRetryAttempts"/>. Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>A duration string: the delay before the second attempt. Default <c>1s</c>.</summary>
    public string InitialDelay { get; init; } = "1s";

    /// <summary>The factor each further delay grows by, at least 1. Default 2.</summary>
    public double Multiplier { get; init; } = 2;

    /// <summary>A duration string capping any one delay, at least <see cref="InitialDelay"/>; no cap when absent.</summary>
    public string? MaxDelay { get; init; }

    /// <summary>The fraction (0 to 1) by which a delay is randomly shortened or lengthened. Default 0.</summary>
    public double Jitter { get; init; }
}
