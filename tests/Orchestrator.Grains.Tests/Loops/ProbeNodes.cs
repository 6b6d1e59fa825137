using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Records the data it gets (as "record") and passes it on.</summary>
public sealed class RecordNode : BlockingNode
{
    private int _runs;

    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var probe = LoopProbe.For(data.RunId);
        probe.Entered();
        try
        {
            probe.Record(Config.Get("as", "record"), data.Value, data.Iteration, data.IdempotencyKey);
            _runs++;
            return Task.FromResult<JsonNode?>(new JsonObject { ["runs"] = _runs, ["iteration"] = data.Iteration, ["in"] = data.Value?.DeepClone() });
        }
        finally
        {
            probe.Left();
        }
    }
}

/// <summary>Records "entered", waits until the test opens its gate, records "left".</summary>
public sealed class GateNode : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) => GateNodes.PassAsync(data, cancellationToken);
}

/// <summary>The non-blocking twin of <see cref="GateNode"/>.</summary>
public sealed class NonBlockingGateNode : NonBlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) => GateNodes.PassAsync(data, cancellationToken);
}

/// <summary>Fails when its data is an object with <c>fail: true</c> (or always with the setting <c>always: true</c>).</summary>
public sealed class FailWhenAskedNode : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        LoopProbe.For(data.RunId).Record("tried", data.Value, data.Iteration);
        if (Config.Get("always", false) || data.Value is JsonObject { } obj && obj["fail"]?.GetValue<bool>() == true)
        {
            throw new InvalidOperationException($"asked to fail in iteration {data.Iteration}");
        }

        return Task.FromResult(data.Value?.DeepClone());
    }
}

/// <summary>Yields <c>{n}</c> for n = 1..count, recording each value as it yields it (the probe's "produced").</summary>
public sealed class ProbedProducer : ProducerNode
{
    public override async IAsyncEnumerable<JsonNode?> ProduceAsync(
        NodeData data, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var count = Config.Get("count", 3);
        for (var i = 1; i <= count; i++)
        {
            LoopProbe.For(data.RunId).Record("produced", JsonValue.Create(i), i);
            yield return new JsonObject { ["n"] = i };
            await Task.Yield();
        }
    }
}

internal static class GateNodes
{
    public static async Task<JsonNode?> PassAsync(NodeData data, CancellationToken cancellationToken)
    {
        var probe = LoopProbe.For(data.RunId);
        probe.Entered();
        probe.Record("entered", data.Value, data.Iteration);
        try
        {
            await probe.PassGateAsync(cancellationToken);
        }
        finally
        {
            probe.Left();
        }

        probe.Record("left", data.Value, data.Iteration);
        return data.Value?.DeepClone();
    }
}

/// <summary>Answers with its process id; exits its process (code 3) when its data says <c>crash: true</c>.</summary>
public sealed class ProcessIdNode : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Value is JsonObject { } obj && obj["crash"]?.GetValue<bool>() == true)
        {
            Environment.Exit(3);
        }

        return Task.FromResult<JsonNode?>(new JsonObject { ["pid"] = Environment.ProcessId, ["in"] = data.Value?.DeepClone() });
    }
}

/// <summary>Writes a line through the logger it is given, at the level its configuration names.</summary>
public sealed class LoggingNode(Microsoft.Extensions.Logging.ILogger<LoggingNode> logger) : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "checked reading {Iteration}", data.Iteration);
        return Task.FromResult<JsonNode?>(null);
    }
}
