namespace Orchestrator.Providers.Hosting;

/// <summary>Where a silo is in its life cycle.</summary>
public enum SiloPhase
{
    /// <summary>Opening storage, resuming reminders and streams.</summary>
    Starting,

    /// <summary>Taking calls.</summary>
    Running,

    /// <summary>Shutting down: no new external calls; running turns finish.</summary>
    Stopping,

    /// <summary>Stopped; storage flushed and closed.</summary>
    Stopped,
}
