using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Providers.Storage;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Grains.Tests.Runs.Core;

/// <summary>A run's forEach elements stored apart from its state, in chunks: a write carries the chunks that changed,
/// and a read puts the list back together.</summary>
public sealed class RunStatePartsTests
{
    private static readonly JsonSerializerOptions Json = StorageJson.CreateOptions();

    [Fact]
    public void ChangedParts_CarryEveryChunkOnce_ThenOnlyTheChunksOfChangedElements()
    {
        var run = Run(250);

        var first = run.ChangedParts(Json).Where(part => part.Key.StartsWith("items/", StringComparison.Ordinal)).ToList();
        run.PartsWritten();
        Assert.Equal(["items/fan/0", "items/fan/1", "items/fan/2"], first.Select(part => part.Key));
        Assert.Equal(50, JsonSerializer.Deserialize<List<ItemRunState>>(first[2].Payload!, Json)!.Count);

        run.Nodes["fan"].Items![150].Status = NodeStatus.Completed;
        var second = run.ChangedParts(Json);
        run.PartsWritten();
        Assert.Equal("items/fan/1", Assert.Single(second).Key);

        Assert.Empty(run.ChangedParts(Json));
    }

    [Fact]
    public void ChangedParts_CarryTheChunksAgain_WhenTheWriteDidNotLand()
    {
        var run = Run(150);
        run.ChangedParts(Json);
        run.PartsWritten();
        run.Nodes["fan"].Items![0].Attempts = 1;

        Assert.Equal("items/fan/0", Assert.Single(run.ChangedParts(Json)).Key);
        Assert.Equal("items/fan/0", Assert.Single(run.ChangedParts(Json)).Key);
    }

    [Fact]
    public void ChangedParts_WriteANewListWhole_AndDeleteTheChunksItNoLongerHas()
    {
        var run = Run(250);
        run.ChangedParts(Json);
        run.PartsWritten();

        run.Nodes["fan"].Items = [.. Enumerable.Range(0, 120).Select(i => new ItemRunState { Item = i })];
        var parts = run.ChangedParts(Json);
        run.PartsWritten();

        Assert.Equal([("items/fan/0", true), ("items/fan/1", true), ("items/fan/2", false)], parts.Select(part => (part.Key, part.Payload is not null)));
        run.Nodes["fan"].Items = null;
        Assert.Equal([("items/fan/0", false), ("items/fan/1", false)], run.ChangedParts(Json).Select(part => (part.Key, part.Payload is not null)));
    }

    [Fact]
    public void PartsRead_PutsTheListBackTogether_FromTheStoredStateAndItsChunks()
    {
        var run = Run(250);
        run.Nodes["fan"].Items![249].Output = new JsonObject { ["last"] = true };
        var parts = run.ChangedParts(Json);
        var payload = JsonSerializer.Serialize(run, Json);
        Assert.DoesNotContain("\"items\"", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("\"state\"", payload, StringComparison.Ordinal);

        var read = JsonSerializer.Deserialize<RunState>(payload, Json)!;
        read.PartsRead([.. parts.Where(part => part.Payload is not null).Reverse()], Json);

        var items = read.Nodes["fan"].Items!;
        Assert.Equal(Enumerable.Range(0, 250), items.Select(item => item.Item!.GetValue<int>()));
        Assert.True(items[249].Output!["last"]!.GetValue<bool>());
        Assert.Empty(read.ChangedParts(Json));
        Assert.Equal(250, read.ToSnapshot().Nodes["fan"].Items!["pending"]);
    }

    [Fact]
    public void PartsRead_KeepsElementsStoredInline_AndTheNextWriteMovesThemIntoChunks()
    {
        var old = JsonNode.Parse(JsonSerializer.Serialize(Run(120), Json))!;
        old["nodes"]!["fan"]!["items"] = new JsonArray([.. Enumerable.Range(0, 120).Select(i => (JsonNode)new JsonObject { ["item"] = i })]);
        old["nodes"]!["fan"]!.AsObject().Remove("itemCount");
        old["state"] = new JsonObject { ["width"] = 7 };
        old["input"] = new JsonObject { ["name"] = "in" };

        var read = JsonSerializer.Deserialize<RunState>(old.ToJsonString(), Json)!;
        read.PartsRead([], Json);

        Assert.Equal(120, read.Nodes["fan"].Items!.Count);
        Assert.Equal(["state", "input", "items/fan/0", "items/fan/1"], read.ChangedParts(Json).Select(part => part.Key));
        Assert.Equal(7, read.State["width"]!.GetValue<int>());
        Assert.Equal("in", read.Input!["name"]!.GetValue<string>());
    }

    [Fact]
    public void ChangedParts_CarryTheStateAndInputOnce_AndTheStateAgainOnlyWhenItChanged()
    {
        var run = Run(0);
        run.Input = new JsonObject { ["list"] = new JsonArray(1, 2, 3) };

        Assert.Equal(["state", "input"], run.ChangedParts(Json).Select(part => part.Key));
        run.PartsWritten();
        Assert.Empty(run.ChangedParts(Json));

        run.SetStateValue("done", true);
        var parts = run.ChangedParts(Json);
        run.PartsWritten();

        Assert.Equal("{\"width\":7,\"done\":true}", Assert.Single(parts, part => part.Key == "state").Payload);
        Assert.DoesNotContain(parts, part => part.Key == "input");
        var read = JsonSerializer.Deserialize<RunState>(JsonSerializer.Serialize(run, Json), Json)!;
        read.PartsRead([new("state", "{\"width\":7,\"done\":true}"), new("input", "{\"list\":[1,2,3]}")], Json);
        Assert.True(read.State["done"]!.GetValue<bool>());
        Assert.Equal(3, read.InputCopy()!["list"]!.AsArray().Count);
        Assert.Empty(read.ChangedParts(Json));
    }

    [Fact]
    public void PartsRead_NamesTheRunAndNode_WhenAChunkIsMissing()
    {
        var run = Run(250);
        var chunks = run.ChangedParts(Json).Where(part => part.Key.StartsWith("items/", StringComparison.Ordinal)).ToList();
        var read = JsonSerializer.Deserialize<RunState>(JsonSerializer.Serialize(run, Json), Json)!;

        var error = Assert.Throws<InvalidOperationException>(() => read.PartsRead([chunks[0], chunks[2]], Json));

        Assert.Equal("Run r1: chunk 1 of the 250 elements of node 'fan' is missing from storage.", error.Message);
    }

    [Fact]
    public void PartsRead_GivesAnEmptyListBack_WhenTheNodeFannedOutOverNothing()
    {
        var run = Run(0);
        Assert.DoesNotContain(run.ChangedParts(Json), part => part.Key.StartsWith("items/", StringComparison.Ordinal));

        var read = JsonSerializer.Deserialize<RunState>(JsonSerializer.Serialize(run, Json), Json)!;
        read.PartsRead([], Json);

        Assert.Empty(read.Nodes["fan"].Items!);
    }

    [Fact]
    public void ChangedParts_StoreNoStatePart_UntilTheStateHasAValue_ThenEveryChangeEvenBackToEmpty()
    {
        var run = new RunState { RunId = "r2", Workflow = "wf", Status = RunStatus.Running };
        Assert.Empty(run.ChangedParts(Json));
        run.PartsWritten();

        // Read back without a state part: the empty state, and still nothing to write.
        var read = JsonSerializer.Deserialize<RunState>(JsonSerializer.Serialize(run, Json), Json)!;
        read.PartsRead([], Json);
        Assert.Empty(read.State);
        Assert.Empty(read.ChangedParts(Json));
        read.PartsWritten();

        read.SetStateValue("n", 1);
        var set = Assert.Single(read.ChangedParts(Json));
        Assert.Equal(("state", "{\"n\":1}"), (set.Key, set.Payload));
        read.PartsWritten();

        // Once a part is stored, emptying the state writes it too.
        read.State = [];
        var emptied = Assert.Single(read.ChangedParts(Json));
        Assert.Equal(("state", "{}"), (emptied.Key, emptied.Payload));
    }

    private static RunState Run(int width)
    {
        var run = new RunState { RunId = "r1", Workflow = "wf", Status = RunStatus.Running, State = new JsonObject { ["width"] = 7 } };
        run.Nodes["make"] = new NodeRunState { Status = NodeStatus.Completed };
        run.Nodes["fan"] = new NodeRunState
        {
            Status = NodeStatus.Running,
            Items = [.. Enumerable.Range(0, width).Select(i => new ItemRunState { Item = i })],
        };
        return run;
    }
}
