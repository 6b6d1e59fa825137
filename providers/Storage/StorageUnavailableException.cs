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
}
