using Orchestrator.Providers.Storage;
using Orleans.Storage;

namespace Orchestrator.Providers.Tests.Storage;

public abstract partial class StorageBackendContractTests
{
    [Fact]
    public async Task WriteAsync_WritesOnlyTheChangedParts_AndReadReturnsThemAll()
    {
        var etag = await WritePartedAsync(Run1, "v1", null, [new("items/fan/0", "[1]"), new("items/fan/1", "[2]"), new("items/fan/2", "[3]")]);
        etag = await WritePartedAsync(Run1, "v2", etag, [new("items/fan/1", "[20]"), new("items/fan/2", null)]);
        await ReopenBackendAsync();

        var (payload, parts) = await ReadPartedAsync(Run1);
        Assert.Equal("v2", payload);
        Assert.Equal(new Dictionary<string, string> { ["items/fan/0"] = "[1]", ["items/fan/1"] = "[20]" }, parts);
        etag = await WritePartedAsync(Run1, "v3", etag, []);
        Assert.Equal(2, (await ReadPartedAsync(Run1)).Parts.Count);
        Assert.Equal("v3", (await ReadAsync(Run1))?.Payload);
    }

    [Fact]
    public async Task WriteAsync_WritesNoParts_WhenEtagConflicts_AndClearRemovesThem()
    {
        var etag = await WritePartedAsync(Run1, "v1", null, [new("p/0", "\"kept\"")]);
        await Assert.ThrowsAsync<InconsistentStateException>(() => WritePartedAsync(Run1, "stale", "999999", [new("p/0", "\"lost\""), new("p/1", "\"lost\"")]));
        Assert.Equal(new Dictionary<string, string> { ["p/0"] = "\"kept\"" }, (await ReadPartedAsync(Run1)).Parts);
        await WritePartedAsync(GrainId.Create("run", "other"), "other", null, [new("p/0", "\"other\"")]);

        await ClearAsync(Run1, etag);

        Assert.Null(await ReadAsync(Run1));
        await WritePartedAsync(Run1, "again", null, []);
        Assert.Empty((await ReadPartedAsync(Run1)).Parts);
        Assert.Equal("\"other\"", (await ReadPartedAsync(GrainId.Create("run", "other"))).Parts["p/0"]);
    }

    private async Task<string> WritePartedAsync(GrainId grain, string payload, string? etag, IReadOnlyList<StatePart> changes)
    {
        var state = new PartedContractState { Payload = payload, Changes = changes };
        var grainState = new GrainState<PartedContractState>(state, etag) { RecordExists = etag is not null };
        await Backend.Grains.WriteStateAsync("state", grain, grainState);
        Assert.Equal(1, state.Written);
        return grainState.ETag!;
    }

    private async Task<(string Payload, Dictionary<string, string> Parts)> ReadPartedAsync(GrainId grain)
    {
        var grainState = new GrainState<PartedContractState>(new PartedContractState(), null);
        await Backend.Grains.ReadStateAsync("state", grain, grainState);
        Assert.True(grainState.RecordExists);
        return (grainState.State!.Payload, grainState.State.Parts);
    }
}
