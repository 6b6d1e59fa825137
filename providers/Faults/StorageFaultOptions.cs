using System.Globalization;

namespace Orchestrator.Providers.Faults;

/// <summary>Which storage calls the fault injector spoils: a fraction that fails before reaching the store, a fraction
/// of the changes that fail after the store committed them (the write landed, the caller sees an error), and a fraction
/// delayed by <see cref="Delay"/>. For tests and drills only: a silo injects nothing unless told to.</summary>
public sealed record StorageFaultOptions
{
    /// <summary>The fraction of calls (0 to 1) that fail before reaching the store.</summary>
    public double FailBefore { get; init; }

    /// <summary>The fraction of changing calls (0 to 1) that fail after the store committed them; reads among them fail
    /// before.</summary>
    public double FailAfter { get; init; }

    /// <summary>The fraction of calls (0 to 1) held for <see cref="Delay"/> before they reach the store.</summary>
    public double Delayed { get; init; }

    /// <summary>How long a delayed call is held.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The seed of the dice, so that a run can be repeated; a random one when null.</summary>
    public int? Seed { get; init; }

    /// <summary>What <c>--inject-storage-faults</c> takes: comma-separated <c>name=value</c> pairs, e.g.
    /// <c>fail-before=0.005,fail-after=0.005,delayed=0.01,delay=200ms,seed=7</c>.</summary>
    public const string Syntax = "fail-before=F,fail-after=F,delayed=F,delay=Nms,seed=N (fractions from 0 to 1)";

    /// <summary>Parses the <see cref="Syntax"/>; throws <see cref="FormatException"/> naming the part that is wrong.</summary>
    public static StorageFaultOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = new StorageFaultOptions();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"'{part}' is not name=value; expected {Syntax}");
            }

            var name = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            options = name switch
            {
                "fail-before" => options with { FailBefore = Fraction(name, value) },
                "fail-after" => options with { FailAfter = Fraction(name, value) },
                "delayed" => options with { Delayed = Fraction(name, value) },
                "delay" => options with { Delay = Duration(name, value) },
                "seed" => options with { Seed = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : throw new FormatException($"seed: '{value}' is not a whole number") },
                _ => throw new FormatException($"'{name}' is not a fault setting; expected {Syntax}"),
            };
        }

        if (options.FailBefore + options.FailAfter + options.Delayed > 1)
        {
            throw new FormatException("fail-before, fail-after and delayed add up to more than 1");
        }

        return options;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"fail-before={FailBefore},fail-after={FailAfter},delayed={Delayed},delay={Delay.TotalMilliseconds}ms{(Seed is { } seed ? $",seed={seed}" : "")}");

    private static double Fraction(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) && fraction is >= 0 and <= 1
            ? fraction
            : throw new FormatException($"{name}: '{value}' is not a fraction from 0 to 1");

    private static TimeSpan Duration(string name, string value)
    {
        var number = value.EndsWith("ms", StringComparison.Ordinal) ? value[..^2] : value;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms is >= 0 and <= 60_000
            ? TimeSpan.FromMilliseconds(ms)
            : throw new FormatException($"{name}: '{value}' is not a duration in milliseconds from 0 to 60000 (e.g. 200ms)");
    }
}
