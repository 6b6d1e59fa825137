using System.Diagnostics;
using Orchestrator.WorkerProtocol;

namespace Orchestrator.Worker;

/// <summary>The current activity while a node runs a call that carries a <c>traceparent</c>: a child of the silo's span,
/// so that the node (its HttpClient calls, its logs' trace ids) continues the run's or the loop iteration's trace.</summary>
internal static class CallActivity
{
    public static Activity? Start(WorkerRequest request)
    {
        if (request.Body[WorkerFields.TraceParent]?.GetValue<string>() is not { } traceParent)
        {
            return null;
        }

        var activity = new Activity("orchestrator.worker.run");
        activity.SetParentId(traceParent);
        return activity.Start();
    }
}
