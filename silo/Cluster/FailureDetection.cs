using Orleans.Configuration;

namespace Orchestrator.Silo.Cluster;

/// <summary>Orleans' failure detection, tuned so that the work of a silo that dies resumes on the others within 10 s,
/// and that of a silo that hangs within 15 s (README, "Running a cluster", says why these figures).</summary>
/// <remarks>
/// Every silo probes the others; a probe that gets no answer within the probe timeout is missed, and after
/// <see cref="ClusterMembershipOptions.NumMissedProbesLimit"/> missed probes in a row the prober votes the target dead
/// in the membership table; <see cref="ClusterMembershipOptions.NumVotesForDeathDeclaration"/> fresh votes (at most half
/// of the active silos, rounded up) declare it dead, and its grains and reminders move at once. Orleans' defaults
/// (5 s probes, 3 misses) take 6–10 s after a kill, where the connection is refused at once. A hung process keeps its
/// connections open, and Orleans holds back every vote while a connection to the target carried a message within
/// <see cref="ClusterMembershipOptions.MaxProbeTimeout"/> × <see cref="ClusterMembershipOptions.NumMissedProbesLimit"/>
/// (20 s × 3 = 60 s by default, <see cref="ClusterMembershipOptions.EnableConnectionLivenessCheck"/>); with a 1 s probe
/// timeout (its adaptive ceiling 4 s) and 2 misses that window is 8 s. The hold-back stays on: it is what keeps a silo
/// that is merely slow (a long GC pause, a saturated thread pool on a small machine) from being declared dead while it
/// still answers calls.
/// </remarks>
internal static class FailureDetection
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    public const int MissedProbesLimit = 2;

    public const int VotesForDeathDeclaration = 2;

    public static void Configure(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = MissedProbesLimit;
        options.NumVotesForDeathDeclaration = VotesForDeathDeclaration;
        options.EnableConnectionLivenessCheck = true;
    }
}
