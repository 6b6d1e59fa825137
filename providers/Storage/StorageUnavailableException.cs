namespace Orchestrator.Providers.Storage;

/// <summary>The storage did not answer (a database restarting or unreachable, a disk full or read-only): the same call
/// may succeed later. Thrown by grain storage in place of the driver's exception, so that it keeps its meaning when it
/// crosses to another silo.</summary>
[GenerateSerializer]
public sealed class StorageUnavailableException : IOException
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failure whose cause a user may be told: <paramref name="reason"/> (see <see cref="Reason"/>).</summary>
    public StorageUnavailableException(string message, string reason)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the storage is unavailable, in a few words fit for an API answer (no host names, no paths): "the
    /// database or its disk is full", say; null when not known.</summary>
    [Id(0)]
    public string? Reason { get; private set; }
}
