using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Worker;

/// <summary>
/// One line read from standard input: <c>{"id": n, "op": "…", …}</c>, the rest depending on the operation:
/// <list type="bullet">
/// <item><c>create {class, assembly, config: NodeConfig}</c> → <c>ok</c>: the instance of node <c>config.name</c>, created
/// and initialized once (a repeated create of the same class is a no-op);</item>
/// <item><c>run {node, data: NodeData}</c> → <c>ok</c> with <c>value</c> (a blocking or non-blocking node);</item>
/// <item><c>open {node, data}</c> → <c>ok</c>: a producer's enumeration, addressed from then on by this request's id;</item>
/// <item><c>next {stream}</c> → <c>ok</c> with the next <c>value</c>, or <c>done</c>: advances the enumeration by one;</item>
/// <item><c>close {stream}</c> → <c>ok</c>: disposes the enumeration;</item>
/// <item><c>cancel {target}</c>, no reply: cancels the token of request <c>target</c> (of an enumeration, for <c>next</c>);</item>
/// <item><c>shutdown</c>, no reply: cancels everything, disposes the instances, exits with 0.</item>
/// </list>
/// Any request may instead be answered <c>error</c> (with the exception's message) or <c>cancelled</c>.
/// </summary>
internal sealed record WorkerRequest(long Id, string Op, JsonObject Body)
{
    public const string Create = "create";
    public const string Run = "run";
    public const string Open = "open";
    public const string Next = "next";
    public const string Close = "close";
    public const string Cancel = "cancel";
    public const string Shutdown = "shutdown";

    /// <summary>Parses a line, or explains why it is not a request.</summary>
    public static WorkerRequest Parse(string line)
    {
        if (JsonNode.Parse(line) is not JsonObject body)
        {
            throw new FormatException("a request must be a JSON object");
        }

        var id = body["id"]?.GetValue<long>() ?? throw new FormatException("the request has no 'id'");
        var op = body["op"]?.GetValue<string>() ?? throw new FormatException($"request {id} has no 'op'");
        return new WorkerRequest(id, op, body);
    }

    public string Text(string name) =>
        Body[name]?.GetValue<string>() ?? throw new FormatException($"request {Id} ({Op}) has no '{name}'");

    public long Number(string name) =>
        Body[name]?.GetValue<long>() ?? throw new FormatException($"request {Id} ({Op}) has no '{name}'");

    public NodeConfig Config() =>
        Body["config"]?.Deserialize<NodeConfig>(WorkerJson.Options) ?? throw new FormatException($"request {Id} ({Op}) has no 'config'");

    public NodeData Data() => Body["data"]?.Deserialize<NodeData>(WorkerJson.Options) ?? new NodeData();
}
