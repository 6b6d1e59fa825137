namespace Orchestrator.Loops;

/// <summary>How loops are named: a loop's id is <c>{runId}:{loopName}</c> (run ids and loop names never hold a colon).</summary>
public static class LoopIds
{
    /// <summary>Between the run id and the loop name.</summary>
    public const char Separator = ':';

    /// <summary>The id (and grain key) of loop <paramref name="loop"/> of run <paramref name="runId"/>.</summary>
    public static string For(string runId, string loop)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(loop);
        return $"{runId}{Separator}{loop}";
    }

    /// <summary>Splits a loop id into its run id and loop name; false when it is not a loop id.</summary>
    public static bool TryParse(string? id, out string runId, out string loop)
    {
        var at = id?.LastIndexOf(Separator) ?? -1;
        if (id is null || at <= 0 || at == id.Length - 1)
        {
            runId = "";
            loop = "";
            return false;
        }

        runId = id[..at];
        loop = id[(at + 1)..];
        return true;
    }
}
