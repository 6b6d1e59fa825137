using System.Globalization;
using System.Security.Cryptography;

namespace Orchestrator.Schedules;

/// <summary>How schedule ids are made.</summary>
public static class ScheduleIds
{
    /// <summary>A new id that sorts by creation time: <c>s</c>, 12 hex digits of Unix milliseconds, 8 random hex digits.</summary>
    public static string New(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var millis = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return string.Create(CultureInfo.InvariantCulture, $"s{millis:x12}{RandomNumberGenerator.GetInt32(int.MaxValue):x8}");
    }
}
