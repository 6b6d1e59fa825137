using System.Buffers;
using Orchestrator.WorkerProtocol;

namespace Orchestrator.Worker;

/// <summary>Writes replies to the protocol stream one whole line at a time, whichever request's task finishes.</summary>
internal sealed class ReplyWriter(Stream output) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WriteAsync(WorkerReply reply)
    {
        var buffer = new ArrayBufferWriter<byte>();
        reply.WriteTo(buffer);
        await _gate.WaitAsync();
        try
        {
            await output.WriteAsync(buffer.WrittenMemory);
            await output.FlushAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
