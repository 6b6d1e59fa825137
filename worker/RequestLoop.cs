using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.Json;
using Orchestrator.Nodes;
using Orchestrator.WorkerProtocol;

namespace Orchestrator.Worker;

/// <summary>
/// Reads requests from the silo one line at a time and runs each on its own task; replies go back in whatever order
/// the requests finish. <c>cancel</c> cancels the token of a request in flight (or of a producer's enumeration);
/// <c>shutdown</c>, or the end of standard input (the silo is gone), stops the worker: requests in flight are cancelled,
/// node instances disposed.
/// </summary>
internal sealed class RequestLoop(TextReader input, ReplyWriter replies, TimeProvider clock) : IDisposable
{
    // Together shorter than the silo's grace before it kills the worker, so that a stop is normally graceful.
    private static readonly TimeSpan RunningGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DisposeGrace = TimeSpan.FromSeconds(2);

    private readonly NodeInstances _nodes = new();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _cancellations = new();
    private readonly ConcurrentDictionary<long, ProducerStream> _streams = new();
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Serves requests until <c>shutdown</c> or the end of input; returns the exit code.</summary>
    public async Task<int> RunAsync()
    {
        while (await ReadAsync() is { } request)
        {
            switch (request.Op)
            {
                case WorkerOps.Cancel:
                    if (request.OptionalNumber(WorkerFields.Target) is { } targetId)
                    {
                        Cancel(targetId);
                    }

                    break;
                case WorkerOps.Shutdown:
                    return await ShutdownAsync();
                default:
                    Dispatch(request);
                    break;
            }
        }

        return await ShutdownAsync();
    }

    private async Task<WorkerRequest?> ReadAsync()
    {
        while (await input.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                return WorkerRequest.Parse(line);
            }
            catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"worker: ignored a line that is not a request: {exception.Message}");
            }
        }

        return null;
    }

    private void Dispatch(WorkerRequest request)
    {
        // Registered before the next line is read, so that a cancel that follows always finds the request.
        CancellationTokenSource? cancellation = null;
        if (request.Op is WorkerOps.Create or WorkerOps.Run or WorkerOps.Open)
        {
            cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            _cancellations[request.Id] = cancellation;
        }

        // Tracked before it starts, so that its removal when it ends cannot come first.
        var handling = new Task<Task>(async () =>
        {
            try
            {
                var reply = await HandleAsync(request, cancellation);
                await replies.WriteAsync(reply);
            }
            catch (IOException exception)
            {
                // The silo closed the protocol stream; the end of input follows and stops the worker.
                await Console.Error.WriteLineAsync($"worker: the reply to request {request.Id} could not be written: {exception.Message}");
            }
            finally
            {
                _running.TryRemove(request.Id, out _);
            }
        });
        _running[request.Id] = handling.Unwrap();
        handling.Start(TaskScheduler.Default);
    }

    private async Task<WorkerReply> HandleAsync(WorkerRequest request, CancellationTokenSource? cancellation)
    {
        var token = cancellation?.Token ?? CancellationToken.None;
        var keepsCancellation = false;
        try
        {
            switch (request.Op)
            {
                case WorkerOps.Create:
                    await _nodes.CreateAsync(request.Text(WorkerFields.Class), request.Text(WorkerFields.Assembly), request.Read<NodeConfig>(WorkerFields.Config), token);
                    return WorkerReply.Ok(request.Id);
                case WorkerOps.Run:
                    using (var call = CallActivity.Start(request))
                    {
                        return WorkerReply.Ok(request.Id, await _nodes.RunAsync(request.Text(WorkerFields.Node), request.ReadOrNew<NodeData>(WorkerFields.Data), token));
                    }

                case WorkerOps.Open:
                    var node = request.Text(WorkerFields.Node);
                    var producer = await _nodes.GetAsync(node) as ProducerNode
                        ?? throw new InvalidOperationException($"node '{node}' is not a producer: it is run, not pulled.");
                    var enumerator = producer.ProduceAsync(request.ReadOrNew<NodeData>(WorkerFields.Data), token).GetAsyncEnumerator(token);
                    _streams[request.Id] = new ProducerStream(enumerator, cancellation!);
                    keepsCancellation = true;
                    return WorkerReply.Ok(request.Id);
                case WorkerOps.Next:
                    if (!_streams.TryGetValue(request.Number(WorkerFields.Stream), out var stream))
                    {
                        return WorkerReply.Failed(request.Id, $"there is no open enumeration {request.Number(WorkerFields.Stream)}.");
                    }

                    token = stream.Token;
                    return await stream.NextAsync(request.Id);
                case WorkerOps.Close:
                    await CloseAsync(request.Number(WorkerFields.Stream));
                    return WorkerReply.Ok(request.Id);
                default:
                    return WorkerReply.Failed(request.Id, $"unknown operation '{request.Op}'.");
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return WorkerReply.Cancelled(request.Id);
        }
        catch (Exception exception)
        {
            return WorkerReply.Failed(request.Id, exception.Message);
        }
        finally
        {
            if (cancellation is not null && !keepsCancellation)
            {
                _cancellations.TryRemove(request.Id, out _);
                cancellation.Dispose();
            }
        }
    }

    private async Task CloseAsync(long streamId)
    {
        _cancellations.TryRemove(streamId, out _);
        if (_streams.TryRemove(streamId, out var stream))
        {
            await stream.DisposeAsync();
        }
    }

    private void Cancel(long target)
    {
        if (_cancellations.TryGetValue(target, out var cancellation))
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The request finished meanwhile.
            }
        }
    }

    private async Task<int> ShutdownAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(RunningGrace, clock);
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync($"worker: {_running.Count} requests ignored cancellation; stopping without them.");
        }

        foreach (var streamId in _streams.Keys)
        {
            await CloseAsync(streamId);
        }

        try
        {
            await _nodes.DisposeAllAsync().WaitAsync(DisposeGrace, clock);
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync("worker: disposing the node instances did not finish; stopping without them.");
        }

        return 0;
    }

    public void Dispose() => _stopping.Dispose();
}
