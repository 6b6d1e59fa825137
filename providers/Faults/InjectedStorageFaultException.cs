namespace Orchestrator.Providers.Faults;

/// <summary>A storage call failed on purpose. <see cref="Committed"/> says whether the change reached the store anyway
/// (the caller cannot tell, as with a connection lost while the commit's answer travelled back).</summary>
public sealed class InjectedStorageFaultException : IOException
{
    /// <summary>A fault for <paramref name="operation"/>.</summary>
    public InjectedStorageFaultException(string operation, bool committed)
        : base(committed
            ? $"Injected storage fault: {operation} was stored, but its answer was lost"
            : $"Injected storage fault: {operation} failed before reaching the store") =>
        Committed = committed;

    /// <summary>An unspecified fault.</summary>
    public InjectedStorageFaultException()
        : this("a storage call", committed: false)
    {
    }

    /// <summary>A fault with a message of its own.</summary>
    public InjectedStorageFaultException(string message)
        : base(message)
    {
    }

    /// <summary>A fault with a message and a cause.</summary>
    public InjectedStorageFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether the change was stored before the caller saw the fault.</summary>
    public bool Committed { get; }
}
