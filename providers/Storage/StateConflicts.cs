using Orleans.Storage;

namespace Orchestrator.Providers.Storage;

/// <summary>The error a stale write or clear gets: it names the grain, the state and both ETags.</summary>
internal static class StateConflicts
{
    public static InconsistentStateException Stale(StateKey grain, string stateName, string? expectedEtag, string? storedEtag) =>
        new($"State '{stateName}' of grain {grain} was not written: it was read at ETag {expectedEtag ?? "(none)"} but is stored at " +
            $"{storedEtag ?? "(none)"}; another activation or writer changed it.", storedEtag, expectedEtag);
}
