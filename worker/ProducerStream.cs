using System.Text.Json.Nodes;
using Orchestrator.WorkerProtocol;

namespace Orchestrator.Worker;

/// <summary>One enumeration of a producer node, advanced only when the silo asks for the next value, so the producer
/// runs no further ahead than its loop has pulled.</summary>
internal sealed class ProducerStream(IAsyncEnumerator<JsonNode?> enumerator, CancellationTokenSource cancellation) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _closed;

    /// <summary>The token the producer was given; cancelling the stream cancels it.</summary>
    public CancellationToken Token => cancellation.Token;

    /// <summary>Advances the enumeration by one value: the value, or <c>done</c> when the producer has finished.</summary>
    public async Task<WorkerReply> NextAsync(long requestId)
    {
        await _gate.WaitAsync();
        try
        {
            if (_closed)
            {
                return WorkerReply.Failed(requestId, "the enumeration was closed.");
            }

            return await enumerator.MoveNextAsync() ? WorkerReply.Ok(requestId, enumerator.Current) : WorkerReply.Done(requestId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Cancels the producer's token and disposes the enumeration (running the producer's <c>finally</c> blocks).</summary>
    public async ValueTask DisposeAsync()
    {
        await cancellation.CancelAsync();
        await _gate.WaitAsync();
        try
        {
            if (!_closed)
            {
                _closed = true;
                await enumerator.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
            cancellation.Dispose();
        }
    }
}
