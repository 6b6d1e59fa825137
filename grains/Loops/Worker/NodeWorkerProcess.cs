using System.Collections.Concurrent;
using Orchestrator.WorkerProtocol;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orchestrator.Nodes;

namespace Orchestrator.Loops.Worker;

/// <summary>
/// The worker child process of a <c>pool: process</c> loop, where the loop's <c>dotnet</c> nodes run. It starts with
/// the first call; each node (by <see cref="NodeConfig.Name"/>) gets one instance there, initialized once and reused by
/// every later call. A worker that dies fails the calls in flight with a <see cref="NodeExecutionException"/>; the next
/// call starts another one and re-creates the instances it needs. Disposing stops it (it also exits by itself when the
/// silo's end of its standard input closes, so it never outlives the silo).
/// </summary>
internal sealed partial class NodeWorkerProcess : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _loopId;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private WorkerConnection? _current;
    private ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);
    private int _started;
    private bool _disposed;

    public NodeWorkerProcess(string loopId, ILogger logger, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(loopId);
        ArgumentNullException.ThrowIfNull(logger);
        _loopId = loopId;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The current worker's process id; null when none runs.</summary>
    public int? ProcessId => _current is { HasExited: false } current ? current.ProcessId : null;

    /// <summary>How many workers were started after the first one died.</summary>
    public int Restarts => Math.Max(0, Volatile.Read(ref _started) - 1);

    /// <summary>How long <see cref="DisposeAsync"/> lets the worker stop by itself before killing it.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a cancelled call waits for the worker to confirm that the node stopped.</summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs a blocking or non-blocking node in the worker and returns its output.</summary>
    public async Task<JsonNode?> RunAsync(NodeClassRef node, NodeConfig config, NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var worker = await ReadyAsync(node, config, cancellationToken);
        var traceParent = Diagnostics.OrchestratorTracing.CurrentTraceParent();
        var reply = await worker.CallAsync(WorkerOps.Run, config.Name, writer =>
        {
            writer.WriteString(WorkerFields.Node, config.Name);
            if (traceParent is not null)
            {
                writer.WriteString(WorkerFields.TraceParent, traceParent);
            }

            writer.WritePropertyName(WorkerFields.Data);
            JsonSerializer.Serialize(writer, data, Json);
        }, CancelGrace, cancellationToken);
        return reply.Value;
    }

    /// <summary>Enumerates a producer node in the worker, pulling one value per step: the producer runs no further ahead
    /// than the enumeration is consumed.</summary>
    public async IAsyncEnumerable<JsonNode?> ProduceAsync(
        NodeClassRef node, NodeConfig config, NodeData data, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var worker = await ReadyAsync(node, config, cancellationToken);

        // The enumeration is addressed by the id of the request that opens it; known first, so that it is closed even
        // when the opening is cancelled.
        var stream = worker.NextId();
        try
        {
            await worker.CallAsync(WorkerOps.Open, config.Name, writer =>
            {
                writer.WriteString(WorkerFields.Node, config.Name);
                writer.WritePropertyName(WorkerFields.Data);
                JsonSerializer.Serialize(writer, data, Json);
            }, CancelGrace, cancellationToken, id: stream);
            while (await worker.CallAsync(WorkerOps.Next, config.Name, writer => writer.WriteNumber(WorkerFields.Stream, stream), CancelGrace, cancellationToken, stream)
                is { IsDone: false } next)
            {
                yield return next.Value;
            }
        }
        finally
        {
            await CloseAsync(worker, config.Name, stream);
        }
    }

    /// <summary>Asks the worker to shut down (node instances are disposed there) and kills it after
    /// <see cref="ShutdownGrace"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        WorkerConnection? worker;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            worker = _current;
            _current = null;
        }

        if (worker is not null)
        {
            await worker.StopAsync(ShutdownGrace);
            await worker.DisposeAsync();
        }
    }

    /// <summary>The running worker, with the node's instance created in it.</summary>
    private async Task<WorkerConnection> ReadyAsync(NodeClassRef node, NodeConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(config);
        cancellationToken.ThrowIfCancellationRequested();
        var (worker, created) = CurrentWorker();
        var creation = created.GetOrAdd(config.Name, _ => new Lazy<Task>(() => worker.CallAsync(WorkerOps.Create, config.Name, writer =>
        {
            writer.WriteString(WorkerFields.Class, node.ClassName);
            writer.WriteString(WorkerFields.Assembly, node.AssemblyPath);
            writer.WritePropertyName(WorkerFields.Config);
            JsonSerializer.Serialize(writer, config, Json);
        }, CancelGrace, CancellationToken.None)));
        try
        {
            // Shared by concurrent first calls, so it is not cancelled with any one of them.
            await creation.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (creation.Value.IsFaulted)
        {
            created.TryRemove(new KeyValuePair<string, Lazy<Task>>(config.Name, creation));
            throw;
        }

        return worker;
    }

    private (WorkerConnection Worker, ConcurrentDictionary<string, Lazy<Task>> Created) CurrentWorker()
    {
        WorkerConnection? dead = null;
        (WorkerConnection, ConcurrentDictionary<string, Lazy<Task>>) result;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is not { HasExited: false })
            {
                dead = _current;
                _current = WorkerConnection.Start(_loopId, _logger, _clock);
                _created = new ConcurrentDictionary<string, Lazy<Task>>(StringComparer.Ordinal);
                _started++;
                LogStarted(_logger, _loopId, _current.ProcessId, _started - 1);
            }

            result = (_current, _created);
        }

        if (dead is not null)
        {
            _ = dead.DisposeAsync().AsTask();
        }

        return result;
    }

    private async Task CloseAsync(WorkerConnection worker, string node, long stream)
    {
        if (worker.HasExited)
        {
            return;
        }

        try
        {
            using var bound = new CancellationTokenSource(CancelGrace, _clock);
            await worker.CallAsync(WorkerOps.Close, node, writer => writer.WriteNumber(WorkerFields.Stream, stream), TimeSpan.Zero, bound.Token);
        }
        catch (Exception exception) when (exception is NodeExecutionException or OperationCanceledException)
        {
            LogCloseFailed(_logger, _loopId, node, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loop {LoopId}: started worker process {Pid} (restart {Restarts})")]
    private static partial void LogStarted(ILogger logger, string loopId, int pid, int restarts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: closing the enumeration of producer {Node} failed: {Reason}")]
    private static partial void LogCloseFailed(ILogger logger, string loopId, string node, string reason);
}
