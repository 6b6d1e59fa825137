using System.Diagnostics;
using Orchestrator.Runs;

namespace Orchestrator.Runs.Engine;

/// <summary>An attempt's outcome and its span, still open (its end time set) so that the run can add what it decides
/// about the outcome (a retry's delay) before the span is stopped and exported.</summary>
public readonly record struct FinishedAttempt(NodeAttemptResult Result, Activity? Span);
