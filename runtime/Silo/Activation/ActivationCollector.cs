using Orchestrator.Runtime.Hosting;

namespace Orchestrator.Runtime.Activation;

/// <summary>Deactivates activations idle for longer than <see cref="SiloOptions.CollectionAge"/>, and fails calls that
/// waited longer than <see cref="SiloOptions.CallTimeout"/>. One timer drives both sweeps.</summary>
internal sealed class ActivationCollector(Catalog catalog, SiloOptions options, TimeProvider clock) : IDisposable
{
    private ITimer? _collectionTimer;
    private ITimer? _timeoutTimer;

    public void Start()
    {
        _collectionTimer = clock.CreateTimer(static s => ((ActivationCollector)s!).CollectIdle(), this, options.CollectionQuantum, options.CollectionQuantum);
        var sweep = TimeSpan.FromTicks(Math.Clamp(options.CallTimeout.Ticks / 10, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timeoutTimer = clock.CreateTimer(static s => ((ActivationCollector)s!).ExpireCalls(), this, sweep, sweep);
    }

    /// <summary>Deactivates every activation idle since before now − collection age; returns how many.</summary>
    public int CollectIdle()
    {
        var idleSince = clock.GetTimestamp() - (long)(options.CollectionAge.TotalSeconds * clock.TimestampFrequency);
        var collected = 0;
        foreach (var activation in catalog.Activations)
        {
            if (activation.IsIdleSince(idleSince))
            {
                _ = activation.DeactivateAsync(DeactivationReason.Idle);
                collected++;
            }
        }

        return collected;
    }

    public void ExpireCalls()
    {
        var cutoff = clock.GetTimestamp() - (long)(options.CallTimeout.TotalSeconds * clock.TimestampFrequency);
        foreach (var activation in catalog.Activations)
        {
            activation.ExpireRequests(cutoff, options.CallTimeout);
        }
    }

    public void Dispose()
    {
        _collectionTimer?.Dispose();
        _timeoutTimer?.Dispose();
    }
}
