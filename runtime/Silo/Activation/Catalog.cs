using System.Collections.Concurrent;
using Orchestrator.Runtime.Invocation;
using Orchestrator.Runtime.Streams;

namespace Orchestrator.Runtime.Activation;

/// <summary>The activations of this silo, by grain id. Creates an activation on a grain's first call and routes each
/// request to the current one.</summary>
internal sealed class Catalog(ActivationServices services)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly Func<GrainId, ActivationData> _create = id => new ActivationData(id, services);

    private readonly AsyncSignal _idle = new();
    private long _busy;

    public int Count => _activations.Count;

    /// <summary>Activations with calls running or queued.</summary>
    public long BusyCount => Interlocked.Read(ref _busy);

    /// <summary>Completes when every activation has finished its work (or at once when none has any).</summary>
    public async Task WaitUntilIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = _idle.WaitTask;
            if (BusyCount == 0)
            {
                return;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public void BusyChanged(bool busy)
    {
        if (busy)
        {
            Interlocked.Increment(ref _busy);
        }
        else if (Interlocked.Decrement(ref _busy) == 0)
        {
            _idle.Pulse();
        }
    }

    public ICollection<ActivationData> Activations => _activations.Values;

    public void Deliver(GrainId grainId, GrainRequest request)
    {
        var activation = _activations.GetOrAdd(grainId, _create);
        if (!activation.TryEnqueue(request))
        {
            // The activation is deactivating: the request goes to the next activation once this one is gone.
            activation.Deactivated.ContinueWith(
                static (_, state) =>
                {
                    var (catalog, id, pending) = ((Catalog, GrainId, GrainRequest))state!;
                    catalog.Deliver(id, pending);
                },
                (this, grainId, request),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    public bool TryGet(GrainId grainId, out ActivationData? activation) => _activations.TryGetValue(grainId, out activation);
}
