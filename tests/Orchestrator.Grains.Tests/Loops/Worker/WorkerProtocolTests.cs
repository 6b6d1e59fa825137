using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.WorkerProtocol;

namespace Orchestrator.Grains.Tests.Loops.Worker;

/// <summary>The lines the loop and its worker exchange, written by one side's code and read by the other's.</summary>
public sealed class WorkerProtocolTests
{
    [Fact]
    public void Request_WrittenByTheLoop_IsOneLineTheWorkerReadsBack()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WorkerRequest.Write(buffer, 7, WorkerOps.Run, writer =>
        {
            writer.WriteString(WorkerFields.Node, "enrich");
            writer.WritePropertyName(WorkerFields.Data);
            new JsonObject { ["value"] = "a\nb" }.WriteTo(writer);
        });
        var line = Encoding.UTF8.GetString(buffer.WrittenSpan);

        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        Assert.Equal(1, line.Count(c => c == '\n'));
        var request = WorkerRequest.Parse(line.TrimEnd('\n'));
        Assert.Equal((7L, WorkerOps.Run, "enrich"), (request.Id, request.Op, request.Text(WorkerFields.Node)));
        Assert.Equal("a\nb", request.Read<JsonObject>(WorkerFields.Data)["value"]!.GetValue<string>());
        Assert.Null(request.OptionalNumber(WorkerFields.Target));
        var missing = Assert.Throws<FormatException>(() => request.Number(WorkerFields.Stream));
        Assert.Contains("'stream'", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WorkerStatuses.Ok)]
    [InlineData(WorkerStatuses.Done)]
    [InlineData(WorkerStatuses.Error)]
    [InlineData(WorkerStatuses.Cancelled)]
    public void Reply_WrittenByTheWorker_IsReadBackByTheLoop(string status)
    {
        var written = status switch
        {
            WorkerStatuses.Ok => WorkerReply.Ok(3, new JsonObject { ["n"] = 1 }),
            WorkerStatuses.Done => WorkerReply.Done(3),
            WorkerStatuses.Error => WorkerReply.Failed(3, "boom\nat line 2"),
            _ => WorkerReply.Cancelled(3),
        };
        var buffer = new ArrayBufferWriter<byte>();
        written.WriteTo(buffer);

        var read = WorkerReply.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan).TrimEnd('\n'));

        Assert.Equal((3L, status), (read.Id, read.Status));
        Assert.Equal((status == WorkerStatuses.Ok, status == WorkerStatuses.Done, status == WorkerStatuses.Error, status == WorkerStatuses.Cancelled),
            (read.IsOk, read.IsDone, read.IsError, read.IsCancelled));
        Assert.Equal(written.Error, read.Error);
        Assert.Equal(written.Value?.ToJsonString(), read.Value?.ToJsonString());
    }
}
