using Orchestrator.Definitions;
using Orchestrator.Errors;

namespace Orchestrator.Runs.Engine;

/// <summary>How error records of one severity recover on their own: <see cref="Attempts"/> automatic retries, the first
/// after <see cref="InitialDelay"/>, each next one <see cref="Multiplier"/> times later, never more than
/// <see cref="MaxDelay"/> apart; escalated when they run out. No attempts: a person decides.</summary>
public sealed class RecoveryPolicy
{
    public int Attempts { get; set; }

    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMinutes(1);

    public double Multiplier { get; set; } = 2;

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>What is wrong with the policy, one line per setting, each named under <paramref name="prefix"/>.</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        if (Attempts < 0)
        {
            yield return $"{prefix}:Attempts must be 0 or more, not {Attempts}.";
        }

        if (InitialDelay <= TimeSpan.Zero)
        {
            yield return $"{prefix}:InitialDelay must be positive, not {InitialDelay}.";
        }

        if (!(Multiplier >= 1) || double.IsInfinity(Multiplier))
        {
            yield return $"{prefix}:Multiplier must be 1 or more, not {Multiplier}.";
        }

        if (MaxDelay < InitialDelay)
        {
            yield return $"{prefix}:MaxDelay must be at least InitialDelay ({InitialDelay}), not {MaxDelay}.";
        }
    }
}

/// <summary>The automatic recovery policy of each error severity (<c>Engine:Recovery:{severity}</c>). By default, as
/// in seed 004: <c>high</c> and <c>critical</c> records are retried with exponential backoff and escalated when their
/// attempts run out; <c>low</c> and <c>medium</c> ones wait for a person.</summary>
public sealed class RecoveryOptions
{
    public RecoveryPolicy Low { get; set; } = new();

    public RecoveryPolicy Medium { get; set; } = new();

    public RecoveryPolicy High { get; set; } = new() { Attempts = 3 };

    public RecoveryPolicy Critical { get; set; } = new() { Attempts = 5, InitialDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromMinutes(30) };

    /// <summary>The policy of <paramref name="severity"/> (one of <see cref="ErrorSeverities"/>); medium's for any
    /// other.</summary>
    public RecoveryPolicy For(string severity) => severity switch
    {
        ErrorSeverities.Low => Low,
        ErrorSeverities.High => High,
        ErrorSeverities.Critical => Critical,
        _ => Medium,
    };

    /// <summary><paramref name="error"/> with the severity of the node that failed and that severity's policy.</summary>
    public NewErrorRecord Apply(NewErrorRecord error, string severity)
    {
        ArgumentNullException.ThrowIfNull(error);
        var policy = For(severity);
        return error with
        {
            Severity = severity,
            RecoveryAttempts = policy.Attempts,
            RecoveryDelay = policy.InitialDelay,
            RecoveryMultiplier = policy.Multiplier,
            RecoveryMaxDelay = policy.MaxDelay,
        };
    }
}
