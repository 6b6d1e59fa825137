using System.Diagnostics.Metrics;

namespace Orchestrator.Diagnostics;

/// <summary>The engine's histograms, on the meter <see cref="MeterName"/>, in seconds: how long runs take, how long node
/// attempts take, and how long an attempt waits between the run deciding to start it and its executor starting
/// (dispatch latency: the state write and the thread pool's queue).</summary>
public sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "Orchestrator.Engine";

    /// <summary>Bucket bounds in seconds, 1 ms to 5 min.</summary>
    private static readonly IReadOnlyList<double> Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Meter _meter;
    private readonly Histogram<double> _runDuration;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _dispatchLatency;

    public EngineMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets };
        _runDuration = _meter.CreateHistogram("orchestrator.run.duration", "s", "Time from a run's start to its end, by workflow and final status", advice: advice);
        _attemptDuration = _meter.CreateHistogram("orchestrator.node.attempt.duration", "s", "Time a node attempt took, by node type and outcome", advice: advice);
        _dispatchLatency = _meter.CreateHistogram("orchestrator.node.dispatch.latency", "s", "Time from a run deciding to start a node attempt to its executor starting, by node type", advice: advice);
    }

    public void RunFinished(string workflow, string status, TimeSpan duration) =>
        _runDuration.Record(duration.TotalSeconds, new("workflow", workflow), new("status", status));

    public void AttemptFinished(string nodeType, string outcome, TimeSpan duration) =>
        _attemptDuration.Record(duration.TotalSeconds, new("node_type", nodeType), new("outcome", outcome));

    public void AttemptDispatched(string nodeType, TimeSpan latency) =>
        _dispatchLatency.Record(Math.Max(0, latency.TotalSeconds), new KeyValuePair<string, object?>("node_type", nodeType));

    public void Dispose() => _meter.Dispose();
}
