namespace Orchestrator.Runtime.Activation;

/// <summary>Life cycle of one activation.</summary>
internal enum ActivationStatus
{
    /// <summary>Created in the catalog; nothing ran yet.</summary>
    Created,

    /// <summary>Constructing the grain, loading state, running OnActivateAsync.</summary>
    Activating,

    /// <summary>Taking calls.</summary>
    Valid,

    /// <summary>Finishing queued calls, then OnDeactivateAsync; new calls go to the next activation.</summary>
    Deactivating,

    /// <summary>Gone from the catalog.</summary>
    Invalid,
}
