namespace Orchestrator.Client.Workers;

/// <summary>Settings of an <see cref="OrchestratorWorker"/>.</summary>
public sealed class OrchestratorWorkerOptions
{
    /// <summary>The orchestrator's URL, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public Uri ServerUrl { get; set; } = new("http://127.0.0.1:8080");

    /// <summary>An API key with the <c>operator</c> role, sent as <c>Authorization: Bearer</c>; none on a silo without keys.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How the worker is named in claims and in <c>GET /api/workers</c>.</summary>
    public string WorkerName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Tasks in hand at once, over every queue.</summary>
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>How long one claim waits on the server for a task (at most 60 s).</summary>
    public TimeSpan ClaimWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Heartbeats are sent every heartbeat timeout times this.</summary>
    public double HeartbeatFraction { get; set; } = 1.0 / 3;

    /// <summary>After the server could not be reached, how long before trying again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
