using System.Diagnostics.Metrics;

namespace Orchestrator.Loops;

/// <summary>The loops' instruments, on the meter <see cref="MeterName"/>, tagged with the workflow and the loop's name
/// (not its id: one series per loop of a workflow, however many runs).</summary>
internal sealed class LoopMetrics : IDisposable
{
    public const string MeterName = "Orchestrator.Loops";

    private readonly Meter _meter;
    private readonly Counter<long> _iterations;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _duplicates;
    private readonly UpDownCounter<long> _inFlight;

    public LoopMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _iterations = _meter.CreateCounter<long>("orchestrator.loop.iterations", "{iteration}", "Loop iterations started");
        _failed = _meter.CreateCounter<long>("orchestrator.loop.errors", "{iteration}", "Loop iterations in which a node failed after its retries");
        _duplicates = _meter.CreateCounter<long>("orchestrator.loop.duplicates", "{message}", "Queue messages a loop dropped as already handled");
        _inFlight = _meter.CreateUpDownCounter<long>("orchestrator.loop.in_flight", "{node}", "Non-blocking node work handed off and not finished");
    }

    public void IterationStarted(LoopTags tags) => _iterations.Add(1, tags.Workflow, tags.Loop);

    public void IterationFailed(LoopTags tags) => _failed.Add(1, tags.Workflow, tags.Loop);

    public void DuplicateDropped(LoopTags tags) => _duplicates.Add(1, tags.Workflow, tags.Loop);

    public void HandOff(LoopTags tags, int delta) => _inFlight.Add(delta, tags.Workflow, tags.Loop);

    public void Dispose() => _meter.Dispose();
}

/// <summary>The tags of one loop's measurements.</summary>
internal sealed record LoopTags(string WorkflowName, string LoopName)
{
    public KeyValuePair<string, object?> Workflow { get; } = new("workflow", WorkflowName);

    public KeyValuePair<string, object?> Loop { get; } = new("loop", LoopName);
}
