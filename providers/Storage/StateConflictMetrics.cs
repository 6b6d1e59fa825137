using System.Diagnostics.Metrics;

namespace Orchestrator.Providers.Storage;

/// <summary>The storage meter: writes and clears of grain state refused because the state changed since it was read
/// (an ETag conflict, as a duplicate activation during a failure would cause). On <c>/metrics</c> as
/// <c>orchestrator_state_conflicts_total</c>.</summary>
public sealed class StateConflictMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Orchestrator.Storage";

    private readonly Counter<long> _conflicts;
    private long _count;

    /// <summary>Creates the meter through the host's meter factory.</summary>
    public StateConflictMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _conflicts = meterFactory.Create(MeterName)
            .CreateCounter<long>("orchestrator.state.conflicts", "{conflict}", "Grain-state writes and clears refused on a stale ETag");
    }

    /// <summary>Conflicts counted since this instance was created.</summary>
    public long Count => Interlocked.Read(ref _count);

    internal void Conflict(string stateName, string operation)
    {
        Interlocked.Increment(ref _count);
        _conflicts.Add(1, new KeyValuePair<string, object?>("state", stateName), new KeyValuePair<string, object?>("operation", operation));
    }
}
