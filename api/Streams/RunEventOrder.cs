namespace Orchestrator.Api.Streams;

/// <summary>Where an arriving event stands against the last one a subscriber got.</summary>
internal enum RunEventOrder
{
    /// <summary>Already sent (it came both from the log and live): skip it.</summary>
    Duplicate,

    /// <summary>The very next one: send it.</summary>
    Next,

    /// <summary>Later than the next one (the live stream dropped some): fill the gap from the log first.</summary>
    Gap,
}
