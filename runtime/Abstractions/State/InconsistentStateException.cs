namespace Orchestrator.Runtime;

/// <summary>A state write or clear was based on a stale ETag: another writer changed the record since it was read.
/// Nothing was written.</summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(GrainId grainId, string stateName, string? expectedEtag, string? storedEtag)
        : base($"State '{stateName}' of grain {grainId} was changed by another writer: expected ETag '{expectedEtag ?? "(none)"}', stored ETag '{storedEtag ?? "(none)"}'. The write was not applied.")
    {
        GrainId = grainId;
        StateName = stateName;
        ExpectedEtag = expectedEtag;
        StoredEtag = storedEtag;
    }

    public InconsistentStateException()
    {
    }

    public InconsistentStateException(string message) : base(message)
    {
    }

    public InconsistentStateException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The grain whose write was rejected.</summary>
    public GrainId GrainId { get; }

    /// <summary>The state record's name.</summary>
    public string StateName { get; } = "";

    /// <summary>The ETag the writer based its write on.</summary>
    public string? ExpectedEtag { get; }

    /// <summary>The ETag found in storage, when known.</summary>
    public string? StoredEtag { get; }
}
