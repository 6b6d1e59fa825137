using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Runs.Engine;

/// <summary>When a silo leaves the cluster (killed and declared dead, or stopped), what it held must go on elsewhere:
/// runs and loops live in memory between their writes and nothing else calls them. One survivor (the active silo with
/// the lowest address) then activates every run and every loop that is running or paused, as a silo does for all of
/// them when it starts; an activation on a survivor resumes what the departed silo was doing, and one that was never
/// lost just answers. Schedules come back through their durable reminders.</summary>
internal sealed partial class ClusterRecoveryService(
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IGrainStateQueries queries,
    IGrainFactory grains,
    ILogger<ClusterRecoveryService> logger) : IHostedService, IDisposable
{
    /// <summary>How long after a departure the sweep starts, so that departures close together share one sweep.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _watching;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _watching = Task.Run(WatchAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_watching is not null)
        {
            await _watching.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

    }

    public void Dispose() => _stopping.Dispose();

    private async Task WatchAsync()
    {
        var known = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(_stopping.Token))
            {
                var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();
                var departed = known.Where(address => !active.Contains(address) && !address.Equals(silo.SiloAddress)).ToList();
                known = active;
                if (departed.Count == 0 || !IsSweeper(active))
                {
                    continue;
                }

                LogDeparted(logger, departed);
                await Task.Delay(Settle, _stopping.Token);
                try
                {
                    await SweepAsync(_stopping.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A storage that stays down past the views' own retries fails this sweep, not the watch: the next
                    // departure sweeps again, and the runs are activated whenever they are called.
                    LogSweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogWatchFailed(logger, e);
        }
    }

    /// <summary>This silo sweeps when it is the active silo with the lowest address.</summary>
    private bool IsSweeper(HashSet<SiloAddress> active) =>
        active.Contains(silo.SiloAddress) &&
        active.Select(address => address.ToParsableString()).Min(StringComparer.Ordinal) == silo.SiloAddress.ToParsableString();

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var runs = await ResumableGrains.ActivateRunsAsync(queries, grains, (e, key) => LogActivationFailed(logger, e, "run", key), cancellationToken);
        var loops = await ResumableGrains.ActivateLoopsAsync(queries, grains, (e, key) => LogActivationFailed(logger, e, "loop", key), cancellationToken);
        LogSwept(logger, runs, loops);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo(s) {Silos} left the cluster: resuming their runs and loops here")]
    private static partial void LogDeparted(ILogger logger, IEnumerable<SiloAddress> silos);

    [LoggerMessage(Level = LogLevel.Information, Message = "Activated {Runs} running or paused runs and {Loops} loops after a silo left")]
    private static partial void LogSwept(ILogger logger, int runs, int loops);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not activate {Kind} {Key} after a silo left")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, string kind, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Resuming the runs and loops of departed silos failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Watching the cluster's membership for departed silos failed")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}
