using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Client;

/// <summary>A run reached through the grain client: each operation is one call to the run's grain, wherever in the
/// cluster it is active.</summary>
internal sealed class GrainRunHandle(IGrainFactory grains, string runId) : IRunHandle
{
    private IRunGrain Grain => grains.GetGrain<IRunGrain>(runId);

    public string RunId => runId;

    public Task<RunSnapshot> GetAsync(CancellationToken cancellationToken = default) => Grain.GetAsync().WaitAsync(cancellationToken);

    public async Task<RunSnapshot> WaitAsync(CancellationToken cancellationToken = default)
    {
        var run = await GetAsync(cancellationToken).ConfigureAwait(false);
        if (run.Status.IsFinished())
        {
            return run;
        }

        await foreach (var _ in EventsAsync(0, cancellationToken).ConfigureAwait(false))
        {
        }

        return await GetAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<RunSnapshot> SignalAsync(string? name, JsonNode? data, CancellationToken cancellationToken = default) =>
        Grain.SignalAsync(name ?? "", data).WaitAsync(cancellationToken);

    public Task<RunSnapshot> CancelAsync(string? reason = null, CancellationToken cancellationToken = default) =>
        Grain.CancelAsync(reason ?? "cancelled by a client").WaitAsync(cancellationToken);

    public Task<RunSnapshot> PauseAsync(CancellationToken cancellationToken = default) => Grain.PauseAsync().WaitAsync(cancellationToken);

    public Task<RunSnapshot> ResumeAsync(CancellationToken cancellationToken = default) => Grain.ResumeAsync().WaitAsync(cancellationToken);

    public IAsyncEnumerable<RunEvent> EventsAsync(long after = 0, CancellationToken cancellationToken = default) =>
        EventFollower.FollowAsync(
            (from, count, token) => Grain.GetEventsAsync(from, count).WaitAsync(token),
            async token => (await GetAsync(token).ConfigureAwait(false)).Status.IsFinished(),
            after,
            cancellationToken);
}
