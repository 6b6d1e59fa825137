using System.Text.Json.Nodes;
using Orchestrator.Grains.Tests.Loops.Worker.TestNodes;
using Orchestrator.Grains.Tests.Nodes.TestNodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker;

public sealed class NodeWorkerProducerTests() : WorkerTests("loop-producers")
{
    [Fact]
    public async Task ProduceAsync_AdvancesTheProducerOnlyAsFarAsPulled_WhenValuesAreTakenOneAtATime()
    {
        var values = Worker.ProduceAsync(WorkerCalls.ClassOf<RecordingProducer>(), WorkerCalls.Config("source"), WorkerCalls.Data(), CancellationToken.None);
        var enumerator = values.GetAsyncEnumerator();
        var taken = new List<int>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(WorkerCalls.Bound));
                taken.Add(enumerator.Current!.GetValue<int>());
            }

            var progress = await Worker.RunAsync<ProducerProgressNode>("progress");
            Assert.Equal(3, progress!["yielded"]!.GetValue<int>());
            Assert.False(progress["closed"]!.GetValue<bool>());
        }
        finally
        {
            await enumerator.DisposeAsync();
        }

        Assert.Equal([1, 2, 3], taken);
        var afterClose = await Worker.RunAsync<ProducerProgressNode>("progress");
        Assert.Equal(3, afterClose!["yielded"]!.GetValue<int>());
        Assert.True(afterClose["closed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ProduceAsync_EndsTheEnumeration_WhenTheProducerIsDone()
    {
        var values = new List<int>();
        var config = WorkerCalls.Config("counting", new JsonObject { ["count"] = 4 });

        await foreach (var value in Worker.ProduceAsync(WorkerCalls.ClassOf<CountingProducer>(), config, WorkerCalls.Data(), CancellationToken.None))
        {
            values.Add(value!.GetValue<int>());
        }

        Assert.Equal([1, 2, 3, 4], values);
    }

    [Fact]
    public async Task ProduceAsync_ThrowsOperationCanceled_WhenTheEnumerationIsCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var values = Worker.ProduceAsync(WorkerCalls.ClassOf<RecordingProducer>(), WorkerCalls.Config("source"), WorkerCalls.Data(), cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var value in values)
            {
                if (value!.GetValue<int>() == 2)
                {
                    await cancellation.CancelAsync();
                }
            }
        });

        var progress = await Worker.RunAsync<ProducerProgressNode>("progress");
        Assert.Equal(2, progress!["yielded"]!.GetValue<int>());
        Assert.True(progress["closed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ProduceAsync_ThrowsNodeExecutionException_WhenTheNodeIsNotAProducer()
    {
        var failure = await Assert.ThrowsAsync<NodeExecutionException>(async () =>
        {
            await foreach (var _ in Worker.ProduceAsync(WorkerCalls.ClassOf<EchoNode>(), WorkerCalls.Config("echo"), WorkerCalls.Data(), CancellationToken.None))
            {
            }
        });

        Assert.Contains("not a producer", failure.Message, StringComparison.Ordinal);
    }
}
