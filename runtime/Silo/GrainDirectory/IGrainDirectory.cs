namespace Orchestrator.Runtime.GrainDirectory;

/// <summary>Records which silo hosts each activation. A clustered implementation makes the single-owner rule a
/// database constraint; the local one is a dictionary.</summary>
public interface IGrainDirectory
{
    /// <summary>Registers <paramref name="silo"/> as the host of <paramref name="grainId"/> unless another silo already
    /// is; returns the silo that hosts it.</summary>
    ValueTask<string> RegisterAsync(GrainId grainId, string silo, CancellationToken cancellationToken);

    /// <summary>Removes the registration if <paramref name="silo"/> holds it.</summary>
    ValueTask UnregisterAsync(GrainId grainId, string silo, CancellationToken cancellationToken);

    /// <summary>The silo hosting <paramref name="grainId"/>, or null.</summary>
    ValueTask<string?> LookupAsync(GrainId grainId, CancellationToken cancellationToken);
}
