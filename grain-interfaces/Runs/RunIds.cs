using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Runs;

/// <summary>How run ids are made.</summary>
public static class RunIds
{
    /// <summary>A new id that sorts by creation time: 12 hex digits of Unix milliseconds, then 8 random hex digits.</summary>
    public static string New(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var millis = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return string.Create(CultureInfo.InvariantCulture, $"{millis:x12}{RandomNumberGenerator.GetInt32(int.MaxValue):x8}");
    }

    /// <summary>The id of the run started with <paramref name="idempotencyKey"/> for <paramref name="workflow"/>: the same
    /// key always names the same run, so starting twice returns the first run.</summary>
    public static string ForIdempotencyKey(string workflow, string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{workflow}\n{idempotencyKey}"));
        return "k" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    /// <summary>The id of the sub-run a <c>workflow</c> node starts: fixed per attempt, so re-starting it after a crash
    /// finds the same run.</summary>
    public static string ForSubRun(string runId, string node, int iteration, int attempt, int? itemIndex) =>
        itemIndex is { } index
            ? string.Create(CultureInfo.InvariantCulture, $"{runId}.{node}.{iteration}.{attempt}.{index}")
            : string.Create(CultureInfo.InvariantCulture, $"{runId}.{node}.{iteration}.{attempt}");
}
