using System.Buffers;
using Orchestrator.WorkerProtocol;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Nodes;

namespace Orchestrator.Loops.Worker;

/// <summary>
/// One started worker process and the calls in flight to it. Requests go to its standard input and replies come back
/// on its standard output, one JSON object per line, matched by id; its standard error is logged. When the process
/// exits, every call still in flight fails with a message naming the process, its exit code and the call's node.
/// </summary>
internal sealed partial class WorkerConnection : IAsyncDisposable
{
    private const int StderrTailLength = 1000;

    // After the process exits, how long its pipes may take to deliver what it wrote last (a node's own child process
    // may hold them open for longer).
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    private readonly string _loopId;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly Process _process;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly StderrTail _stderr = new(StderrTailLength);
    private readonly Task _stdoutReader;
    private readonly Task _stderrReader;
    private readonly Task _monitor;
    private long _lastId;
    private volatile bool _exitObserved;
    private volatile bool _exitReported;
    private volatile bool _stopping;

    private WorkerConnection(string loopId, ILogger logger, TimeProvider clock, Process process)
    {
        _loopId = loopId;
        _logger = logger;
        _clock = clock;
        _process = process;
        ProcessId = process.Id;
        _stdoutReader = Task.Run(ReadRepliesAsync);
        _stderrReader = Task.Run(ReadDiagnosticsAsync);
        _monitor = Task.Run(MonitorAsync);
    }

    public int ProcessId { get; }

    /// <summary>A fresh request id, for a caller that must know it before the call (a producer's enumeration is
    /// addressed by the id of the request that opened it).</summary>
    public long NextId() => Interlocked.Increment(ref _lastId);

    /// <summary>Whether the process has exited: calls from now on need another worker.</summary>
    public bool HasExited => _exitObserved;

    /// <summary>Starts a worker process.</summary>
    public static WorkerConnection Start(string loopId, ILogger logger, TimeProvider clock)
    {
        var startInfo = WorkerExecutable.CreateStartInfo();
        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            process.Dispose();
            throw new NodeExecutionException(
                $"Loop '{loopId}': the worker process '{startInfo.FileName}' could not be started ({exception.Message}).", exception);
        }

        return new WorkerConnection(loopId, logger, clock, process);
    }

    /// <summary>Sends a request and waits for its reply. An <c>error</c> reply throws a
    /// <see cref="NodeExecutionException"/> with the worker's message. When <paramref name="cancellationToken"/> is
    /// cancelled, the worker is told to cancel <paramref name="cancelTarget"/> (by default the request itself), and an
    /// <see cref="OperationCanceledException"/> is thrown once it answers, or after <paramref name="cancelGrace"/>.
    /// <paramref name="id"/> is the request's id when the caller took one from <see cref="NextId"/>.</summary>
    public async Task<WorkerReply> CallAsync(
        string op,
        string node,
        Action<Utf8JsonWriter>? writeBody,
        TimeSpan cancelGrace,
        CancellationToken cancellationToken,
        long? cancelTarget = null,
        long? id = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var requestId = id ?? NextId();
        var pending = new PendingCall(node);
        _pending[requestId] = pending;
        try
        {
            if (_exitReported)
            {
                pending.Reply.TrySetException(ExitedWhileRunning(node));
            }
            else
            {
                await SendAsync(requestId, op, writeBody);
            }

            WorkerReply reply;
            try
            {
                reply = await pending.Reply.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await CancelAsync(cancelTarget ?? requestId, pending, node, cancelGrace);
                throw;
            }

            if (reply.IsError)
            {
                throw new NodeExecutionException(reply.Error ?? $"node '{node}' failed in the worker process {ProcessId} without a message.");
            }

            if (reply.IsCancelled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new NodeExecutionException($"The worker process {ProcessId} of loop '{_loopId}' cancelled node '{node}' as it stopped.");
            }

            return reply;
        }
        finally
        {
            _pending.TryRemove(requestId, out _);
        }
    }

    /// <summary>Asks the worker to stop, and kills its process tree if it has not exited after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _stopping = true;
        if (!_exitObserved)
        {
            try
            {
                await SendAsync(NextId(), WorkerOps.Shutdown, writeBody: null);
                await CloseInputAsync();
                await _process.WaitForExitAsync().WaitAsync(grace, _clock);
            }
            catch (TimeoutException)
            {
                LogKilling(_logger, _loopId, ProcessId, grace.TotalSeconds);
                Kill();
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException)
            {
                // Its input is already closed: it is exiting.
                Kill();
            }
        }

        try
        {
            await _monitor.WaitAsync(KillWait, _clock);
        }
        catch (TimeoutException)
        {
            LogStillRunning(_logger, _loopId, ProcessId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero);
        _process.Dispose();
        _writeGate.Dispose();
    }

    private async Task SendAsync(long id, string op, Action<Utf8JsonWriter>? writeBody)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WorkerRequest.Write(buffer, id, op, writeBody);
        await _writeGate.WaitAsync();
        try
        {
            var input = _process.StandardInput.BaseStream;
            await input.WriteAsync(buffer.WrittenMemory);
            await input.FlushAsync();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone or going: its exit fails the calls in flight, this one included.
            if (!_stopping)
            {
                LogWriteFailed(_logger, _loopId, ProcessId, exception.Message);
                Kill();
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Closes the worker's input between two requests, never in the middle of one.</summary>
    private async Task CloseInputAsync()
    {
        await _writeGate.WaitAsync();
        try
        {
            _process.StandardInput.Close();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task CancelAsync(long target, PendingCall pending, string node, TimeSpan grace)
    {
        if (_exitObserved)
        {
            return;
        }

        await SendAsync(NextId(), WorkerOps.Cancel, writer => writer.WriteNumber(WorkerFields.Target, target));
        try
        {
            await pending.Reply.Task.WaitAsync(grace, _clock);
        }
        catch (TimeoutException)
        {
            LogCancelIgnored(_logger, _loopId, node, ProcessId, grace.TotalSeconds);
        }
        catch (NodeExecutionException)
        {
            // The worker exited meanwhile: the call is cancelled all the same.
        }
    }

    private async Task ReadRepliesAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                WorkerReply reply;
                try
                {
                    reply = WorkerReply.Parse(line);
                }
                catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
                {
                    LogUnreadableReply(_logger, _loopId, ProcessId, exception.Message);
                    continue;
                }

                if (_pending.TryGetValue(reply.Id, out var pending))
                {
                    pending.Reply.TrySetResult(reply);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The pipe broke with the process.
        }

        // The worker never closes its output while it runs: a worker without one is of no use.
        Kill();
    }

    private async Task ReadDiagnosticsAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                _stderr.Append(line);
                LogWorkerOutput(_logger, _loopId, ProcessId, line);
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The pipe broke with the process.
        }
    }

    private async Task MonitorAsync()
    {
        await _process.WaitForExitAsync();
        _exitObserved = true;
        try
        {
            await Task.WhenAll(_stdoutReader, _stderrReader).WaitAsync(DrainBound, _clock);
        }
        catch (TimeoutException)
        {
            // A process the worker started still holds its pipes; what it wrote last is lost.
        }

        _exitReported = true;
        LogExited(_logger, _loopId, ProcessId, _process.ExitCode);
        foreach (var (_, pending) in _pending)
        {
            pending.Reply.TrySetException(ExitedWhileRunning(pending.Node));
        }
    }

    private NodeExecutionException ExitedWhileRunning(string node)
    {
        if (_stopping)
        {
            return new NodeExecutionException($"The worker process {ProcessId} of loop '{_loopId}' was stopped while running node '{node}'.");
        }

        var stderr = _stderr.Text();
        return new NodeExecutionException(
            $"The worker process {ProcessId} of loop '{_loopId}' exited with code {_process.ExitCode} while running node '{node}'"
            + (stderr.Length > 0 ? $"; the end of its standard error: {stderr}" : "."));
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited, or exiting.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loop {LoopId}: worker process {Pid}: {Line}")]
    private static partial void LogWorkerOutput(ILogger logger, string loopId, int pid, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loop {LoopId}: worker process {Pid} exited with code {ExitCode}")]
    private static partial void LogExited(ILogger logger, string loopId, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: worker process {Pid} did not stop within {Seconds} s; killing its process tree")]
    private static partial void LogKilling(ILogger logger, string loopId, int pid, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: worker process {Pid} is still running after it was killed")]
    private static partial void LogStillRunning(ILogger logger, string loopId, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: writing to worker process {Pid} failed ({Reason}); killing it")]
    private static partial void LogWriteFailed(ILogger logger, string loopId, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: worker process {Pid} wrote a line that is not a reply: {Reason}")]
    private static partial void LogUnreadableReply(ILogger logger, string loopId, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Loop {LoopId}: node {Node} in worker process {Pid} did not confirm its cancellation within {Seconds} s; it is abandoned")]
    private static partial void LogCancelIgnored(ILogger logger, string loopId, string node, int pid, double seconds);

    private sealed class PendingCall(string node)
    {
        public string Node { get; } = node;

        public TaskCompletionSource<WorkerReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
