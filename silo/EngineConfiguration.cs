using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orchestrator.Definitions;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Silo;

/// <summary>Reads the <c>Engine</c> configuration section (<c>--Engine:Recovery:high:Attempts=5</c>,
/// <c>Engine__Recovery__high__Attempts=5</c>, appsettings.json) into <see cref="EngineOptions"/>, reporting every key it
/// does not know and every value that does not parse, by its full key.</summary>
internal static class EngineConfiguration
{
    public const string Section = "Engine";

    private static readonly string[] PolicySettings =
        [nameof(RecoveryPolicy.Attempts), nameof(RecoveryPolicy.InitialDelay), nameof(RecoveryPolicy.Multiplier), nameof(RecoveryPolicy.MaxDelay)];

    /// <summary>Fills <paramref name="engine"/> from the section; returns the problems found, one line each.</summary>
    public static IReadOnlyList<string> Read(IConfiguration configuration, EngineOptions engine)
    {
        var problems = new List<string>();
        foreach (var setting in configuration.GetSection(Section).GetChildren())
        {
            switch (setting.Key.ToLowerInvariant())
            {
                case "recovery":
                    ReadRecovery(setting, engine.Recovery, problems);
                    break;
                case "escalationwebhook":
                    engine.EscalationWebhook = ReadWebhook(setting, problems);
                    break;
                case "maxparallelattempts":
                    engine.MaxParallelAttempts = ReadInt(setting, minimum: 1, problems) ?? engine.MaxParallelAttempts;
                    break;
                case "defaultmaxiterations":
                    engine.DefaultMaxIterations = ReadInt(setting, minimum: 1, problems) ?? engine.DefaultMaxIterations;
                    break;
                case "durabledelayfrom":
                    engine.DurableDelayFrom = ReadDuration(setting, problems) ?? engine.DurableDelayFrom;
                    break;
                default:
                    problems.Add($"{setting.Path} is not a setting; the {Section} section has Recovery, EscalationWebhook, MaxParallelAttempts, DefaultMaxIterations and DurableDelayFrom.");
                    break;
            }
        }

        return problems;
    }

    private static void ReadRecovery(IConfigurationSection recovery, RecoveryOptions options, List<string> problems)
    {
        foreach (var severity in recovery.GetChildren())
        {
            var name = severity.Key.ToLowerInvariant();
            if (!ErrorSeverities.All.Contains(name))
            {
                problems.Add($"{severity.Path} names no severity; the severities are {string.Join(", ", ErrorSeverities.All)}.");
                continue;
            }

            var policy = options.For(name);
            foreach (var setting in severity.GetChildren())
            {
                switch (setting.Key.ToLowerInvariant())
                {
                    case "attempts":
                        policy.Attempts = ReadInt(setting, minimum: 0, problems) ?? policy.Attempts;
                        break;
                    case "initialdelay":
                        policy.InitialDelay = ReadDuration(setting, problems) ?? policy.InitialDelay;
                        break;
                    case "maxdelay":
                        policy.MaxDelay = ReadDuration(setting, problems) ?? policy.MaxDelay;
                        break;
                    case "multiplier":
                        if (double.TryParse(setting.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var multiplier))
                        {
                            policy.Multiplier = multiplier;
                        }
                        else
                        {
                            problems.Add($"{setting.Path} must be a number of 1 or more (e.g. 2), not '{setting.Value}'.");
                        }

                        break;
                    default:
                        problems.Add($"{setting.Path} is not a setting; a severity's recovery has {string.Join(", ", PolicySettings)}.");
                        break;
                }
            }

            problems.AddRange(policy.Problems(severity.Path));
        }
    }

    private static int? ReadInt(IConfigurationSection setting, int minimum, List<string> problems)
    {
        if (int.TryParse(setting.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        problems.Add($"{setting.Path} must be a whole number of {minimum} or more, not '{setting.Value}'.");
        return null;
    }

    /// <summary>A duration as in workflow definitions (<c>30s</c>, <c>5m</c>, <c>1h</c>) or as <c>hh:mm:ss</c>.</summary>
    private static TimeSpan? ReadDuration(IConfigurationSection setting, List<string> problems)
    {
        if (Duration.TryParse(setting.Value, out var value)
            || TimeSpan.TryParse(setting.Value, CultureInfo.InvariantCulture, out value))
        {
            return value;
        }

        problems.Add($"{setting.Path} must be a duration such as 30s, 5m or 00:05:00, not '{setting.Value}'.");
        return null;
    }

    private static string? ReadWebhook(IConfigurationSection setting, List<string> problems)
    {
        if (string.IsNullOrEmpty(setting.Value))
        {
            return null;
        }

        if (Uri.TryCreate(setting.Value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return setting.Value;
        }

        problems.Add($"{setting.Path} must be an absolute http or https URL, not '{setting.Value}'.");
        return null;
    }
}
