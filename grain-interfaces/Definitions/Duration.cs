using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Orchestrator.Definitions;

/// <summary>
/// Reads and writes the duration strings used in definitions and the HTTP API: a number and a unit
/// (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>), or several from the largest unit down, as in
/// <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>. Numbers may have a fraction (<c>1.5s</c>);
/// there is no sign and no whitespace.
/// </summary>
public static class Duration
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
    ];

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The text is not a duration; the message says why.</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Parses <paramref name="text"/>, returning false when it is not a duration.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <summary>Parses <paramref name="text"/>, returning false and a message saying why when it is not a duration.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            error = "a duration is required, e.g. 250ms, 30s, 5m, 1h30m";
            return false;
        }

        decimal ticks = 0;
        var index = 0;
        var previousUnit = -1;
        while (index < text.Length)
        {
            var numberStart = index;
            while (index < text.Length && (char.IsAsciiDigit(text[index]) || text[index] == '.'))
            {
                index++;
            }

            if (index == numberStart
                || !decimal.TryParse(text.AsSpan(numberStart, index - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"'{text}' is not a duration: expected a number at position {numberStart + 1} (e.g. 250ms, 30s, 5m, 1h30m)";
                return false;
            }

            var unit = ReadUnit(text, ref index);
            if (unit < 0)
            {
                error = $"'{text}' is not a duration: expected a unit (ms, s, m, h or d) at position {index + 1}";
                return false;
            }

            if (unit <= previousUnit)
            {
                error = $"'{text}' is not a duration: units must go from the largest to the smallest, each at most once";
                return false;
            }

            previousUnit = unit;
            ticks += number * Units[unit].Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                error = $"'{text}' is too long a duration";
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)decimal.Round(ticks));
        error = null;
        return true;
    }

    /// <summary>Formats <paramref name="value"/> so that <see cref="Parse"/> reads it back exactly: <c>1h30m</c>, <c>250ms</c>, <c>0s</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static string Format(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        var remaining = value.Ticks;
        for (var unit = 0; unit < Units.Length; unit++)
        {
            var unitTicks = Units[unit].Ticks;
            var whole = remaining / unitTicks;
            remaining -= whole * unitTicks;
            var isLast = unit == Units.Length - 1;
            if (isLast && remaining > 0)
            {
                // Sub-millisecond precision is written as a fraction of a millisecond.
                var milliseconds = whole + ((decimal)remaining / unitTicks);
                builder.Append(milliseconds.ToString(CultureInfo.InvariantCulture)).Append(Units[unit].Unit);
            }
            else if (whole > 0)
            {
                builder.Append(whole.ToString(CultureInfo.InvariantCulture)).Append(Units[unit].Unit);
            }
        }

        return builder.ToString();
    }

    private static int ReadUnit(string text, ref int index)
    {
        if (index >= text.Length)
        {
            return -1;
        }

        if (text[index] == 'm' && index + 1 < text.Length && text[index + 1] == 's')
        {
            index += 2;
            return 4;
        }

        var unit = text[index] switch
        {
            'd' => 0,
            'h' => 1,
            'm' => 2,
            's' => 3,
            _ => -1,
        };
        if (unit >= 0)
        {
            index++;
        }

        return unit;
    }
}
