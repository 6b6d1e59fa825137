using System.Globalization;

namespace Orchestrator.Cluster.Tests.Faults;

/// <summary>How much longer than in CI the fault tests run: <c>ORCHESTRATOR_SOAK</c> (a whole number, 1 unless set)
/// multiplies their load's length and the number of silo restarts. <c>bench/soak.sh</c> sets it.</summary>
internal static class Soak
{
    public const string Variable = "ORCHESTRATOR_SOAK";

    public static int Scale { get; } = Read();

    private static int Read()
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(text))
        {
            return 1;
        }

        Assert.True(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var scale) && scale is >= 1 and <= 1000,
            $"{Variable} must be a whole number from 1 to 1000, not '{text}'");
        return scale;
    }
}
