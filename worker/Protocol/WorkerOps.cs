namespace Orchestrator.WorkerProtocol;

/// <summary>
/// The operations a loop sends to its worker process, one JSON line each on the worker's standard input:
/// <c>{"id": n, "op": "…", …}</c>, the rest depending on the operation (field names in <see cref="WorkerFields"/>):
/// <list type="bullet">
/// <item><see cref="Create"/> <c>{class, assembly, config: NodeConfig}</c> → <c>ok</c>: the instance of node
/// <c>config.name</c>, created and initialized once (a repeated create of the same class is a no-op);</item>
/// <item><see cref="Run"/> <c>{node, data: NodeData}</c> → <c>ok</c> with <c>value</c> (a blocking or non-blocking node);</item>
/// <item><see cref="Open"/> <c>{node, data}</c> → <c>ok</c>: a producer's enumeration, addressed from then on by this
/// request's id;</item>
/// <item><see cref="Next"/> <c>{stream}</c> → <c>ok</c> with the next <c>value</c>, or <c>done</c>: advances the
/// enumeration by one;</item>
/// <item><see cref="Close"/> <c>{stream}</c> → <c>ok</c>: disposes the enumeration;</item>
/// <item><see cref="Cancel"/> <c>{target}</c>, no reply: cancels the token of request <c>target</c> (of an enumeration,
/// for <c>next</c>);</item>
/// <item><see cref="Shutdown"/>, no reply: cancels everything, disposes the instances, exits with 0.</item>
/// </list>
/// Any request may instead be answered <c>error</c> (with the exception's message) or <c>cancelled</c>
/// (see <see cref="WorkerReply"/>).
/// </summary>
public static class WorkerOps
{
    public const string Create = "create";
    public const string Run = "run";
    public const string Open = "open";
    public const string Next = "next";
    public const string Close = "close";
    public const string Cancel = "cancel";
    public const string Shutdown = "shutdown";
}
