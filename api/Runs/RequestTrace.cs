using System.Diagnostics;

namespace Orchestrator.Api.Runs;

/// <summary>The request's place in a trace, handed to the runs it starts so that each run's span is a child of the
/// request's (ASP.NET Core makes the request's span current, continuing an incoming <c>traceparent</c>).</summary>
public static class RequestTrace
{
    /// <summary>The current span's W3C <c>traceparent</c>, or null.</summary>
    public static string? TraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}
