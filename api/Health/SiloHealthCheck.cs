using Microsoft.Extensions.Logging;
using Orchestrator.Api.Availability;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Api.Health;

/// <summary>Asks storage to answer a trivial query (bounded) and combines the answer with the silo's life-cycle status.</summary>
internal sealed partial class SiloHealthCheck(
    SiloAvailability availability,
    SiloLifecycle lifecycle,
    IStorageBackend storage,
    StorageWrites writes,
    ILocalSiloDetails siloDetails,
    TimeProvider clock,
    ILogger<SiloHealthCheck> logger)
{
    /// <summary>How long storage has to answer before it counts as down.</summary>
    public static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var status = availability.Status;
        var storageHealth = await PingStorageAsync(cancellationToken);
        if (storageHealth.Status == StorageHealth.Ok && writes.Failing() is { } failing)
        {
            storageHealth = new StorageHealth(storage.Name, StorageHealth.WritesFailing, failing);
        }

        var failed = FailedComponent();
        var reason = (status, storageHealth.Status) switch
        {
            (SiloPhase.Starting, _) => "The silo is starting.",
            (SiloPhase.Stopping, _) => "The silo is stopping.",
            (SiloPhase.Stopped, _) => "The silo has stopped.",
            _ when failed is not null => failed,
            (_, StorageHealth.WritesFailing) => $"Storage '{storage.Name}' refuses writes: {storageHealth.Error}",
            (_, not StorageHealth.Ok) => $"Storage '{storage.Name}' does not answer: {storageHealth.Error}",
            _ => null,
        };

        // A storage that does not answer (a database restarting, a disk full) degrades the silo until it answers again;
        // a start-up step that failed does not mend itself.
        var overall = (status, reason) switch
        {
            (SiloPhase.Running, null) => HealthReport.Healthy,
            (SiloPhase.Running, _) when failed is null => HealthReport.Degraded,
            (SiloPhase.Running, _) => "unhealthy",
            _ => NameOf(status),
        };

        var startedAt = lifecycle.StartedAt;
        var silo = new SiloHealth(
            siloDetails.Name,
            NameOf(status),
            startedAt?.UtcDateTime,
            startedAt is { } since ? Math.Round((clock.GetUtcNow() - since).TotalSeconds, 3) : null);
        var components = new SortedDictionary<string, string>(lifecycle.Components.ToDictionary(), StringComparer.Ordinal);
        return new HealthReport(overall, reason, silo, storageHealth, components);
    }

    private async Task<StorageHealth> PingStorageAsync(CancellationToken cancellationToken)
    {
        // Task.Run and WaitAsync: a backend whose ping blocks, or ignores the token, must not hold the request past the bound.
        using var bound = new CancellationTokenSource(StorageTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        try
        {
            await Task.Run(() => storage.PingAsync(linked.Token), linked.Token).WaitAsync(linked.Token);
            return new StorageHealth(storage.Name, StorageHealth.Ok, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            LogStorageTimedOut(logger, storage.Name, StorageTimeout.TotalSeconds);
            return new StorageHealth(storage.Name, "timeout", $"no answer within {StorageTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception exception)
        {
            LogStorageFailed(logger, exception, storage.Name);
            return new StorageHealth(storage.Name, "error", exception.Message);
        }
    }

    /// <summary>A start-up step (resuming runs or schedules, say) that failed makes the silo unhealthy.</summary>
    private string? FailedComponent() =>
        lifecycle.Components.Where(c => c.Value.StartsWith("failed", StringComparison.Ordinal))
            .Select(c => $"Start-up step '{c.Key}' {c.Value}")
            .FirstOrDefault();

    private static string NameOf(SiloPhase status) => status switch
    {
        SiloPhase.Starting => "starting",
        SiloPhase.Running => "running",
        SiloPhase.Stopping => "stopping",
        SiloPhase.Stopped => "stopped",
        _ => "unknown",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check: storage {Storage} did not answer within {Seconds} s")]
    private static partial void LogStorageTimedOut(ILogger logger, string storage, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check: storage {Storage} failed to answer")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, string storage);
}
