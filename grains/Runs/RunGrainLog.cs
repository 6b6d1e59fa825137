using Microsoft.Extensions.Logging;

namespace Orchestrator.Runs;

/// <summary>What <see cref="RunGrain"/> logs.</summary>
internal static partial class RunGrainLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: a follow-up action after a write failed")]
    public static partial void AfterCommitFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: the outcome of node {Node} could not be reported; it is retried after a restart")]
    public static partial void ReportFailed(ILogger logger, Exception exception, string node, string runId);
}
