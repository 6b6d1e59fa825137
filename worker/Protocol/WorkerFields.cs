namespace Orchestrator.WorkerProtocol;

/// <summary>The property names of the protocol's requests and replies.</summary>
public static class WorkerFields
{
    /// <summary>Every request and reply: the request's number, which its reply repeats.</summary>
    public const string Id = "id";

    /// <summary>Every request: the operation (<see cref="WorkerOps"/>).</summary>
    public const string Op = "op";

    /// <summary>Every reply: <see cref="WorkerStatuses"/>.</summary>
    public const string Status = "status";

    /// <summary>An <c>ok</c> reply: the node's value (null when it has none).</summary>
    public const string Value = "value";

    /// <summary>An <c>error</c> reply: why.</summary>
    public const string Error = "error";

    /// <summary><c>create</c>: the node class's full name.</summary>
    public const string Class = "class";

    /// <summary><c>create</c>: the path of the assembly that holds the class.</summary>
    public const string Assembly = "assembly";

    /// <summary><c>create</c>: the node's configuration.</summary>
    public const string Config = "config";

    /// <summary><c>run</c>, <c>open</c>: the node's name.</summary>
    public const string Node = "node";

    /// <summary><c>run</c>, <c>open</c>: the data flowing into the node.</summary>
    public const string Data = "data";

    /// <summary><c>next</c>, <c>close</c>: the id of the <c>open</c> request that began the enumeration.</summary>
    public const string Stream = "stream";

    /// <summary><c>run</c>: the W3C <c>traceparent</c> of the span the call belongs to (absent when untraced); the
    /// worker makes it the parent of the node's <c>Activity.Current</c>.</summary>
    public const string TraceParent = "traceparent";

    /// <summary><c>cancel</c>: the id of the request to cancel.</summary>
    public const string Target = "target";
}

/// <summary>The statuses of a reply.</summary>
public static class WorkerStatuses
{
    public const string Ok = "ok";
    public const string Done = "done";
    public const string Error = "error";
    public const string Cancelled = "cancelled";
}
