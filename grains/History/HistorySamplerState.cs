namespace Orchestrator.History;

/// <summary>Persisted state of the <see cref="HistorySamplerGrain"/>: every series it keeps and when it last sampled it,
/// so that the history of a queue or loop that is no longer sampled is deleted once all of it is older than the
/// retention. Written when a series appears and at each sweep, not at every sample.</summary>
internal sealed class HistorySamplerState
{
    public Dictionary<string, DateTimeOffset> Series { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When series no longer sampled were last looked for.</summary>
    public DateTimeOffset SweptAt { get; set; }
}
