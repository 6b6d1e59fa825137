using System.Diagnostics.Metrics;

namespace Orchestrator.Providers.Storage;

/// <summary>The storage meter: writes and clears of grain state refused because the state changed since it was read
/// (an ETag conflict, as a duplicate activation during a failure would cause), on <c>/metrics</c> as
/// <c>orchestrator_state_conflicts_total</c>; and, for a backend that commits in batches (<see cref="ICommitCounting"/>),
/// its transactions, the writes they carried and the writer's busy time.</summary>
public sealed class StateConflictMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Orchestrator.Storage";

    private readonly Counter<long> _conflicts;
    private long _count;

    /// <summary>Creates the meter through the host's meter factory; <paramref name="backend"/>'s commits are observed when
    /// it counts them.</summary>
    public StateConflictMetrics(IMeterFactory meterFactory, IStorageBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _conflicts = meter.CreateCounter<long>("orchestrator.state.conflicts", "{conflict}", "Grain-state writes and clears refused on a stale ETag");
        if (backend is ICommitCounting counting)
        {
            meter.CreateObservableCounter("orchestrator.storage.transactions", () => counting.Commits.Transactions, "{transaction}",
                "Transactions the storage writer committed");
            meter.CreateObservableCounter("orchestrator.storage.writes", () => counting.Commits.Writes, "{write}",
                "Writes committed (more than transactions: group commit)");
            meter.CreateObservableCounter("orchestrator.storage.writer.busy", () => counting.Commits.Busy.TotalSeconds, "s",
                "Time the storage writer spent running and committing transactions");
        }
    }

    /// <summary>Conflicts counted since this instance was created.</summary>
    public long Count => Interlocked.Read(ref _count);

    internal void Conflict(string stateName, string operation)
    {
        Interlocked.Increment(ref _count);
        _conflicts.Add(1, new KeyValuePair<string, object?>("state", stateName), new KeyValuePair<string, object?>("operation", operation));
    }
}
