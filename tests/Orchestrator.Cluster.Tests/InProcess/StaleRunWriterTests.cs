using Orchestrator.Providers.Postgres;
using Orchestrator.Runs;
using Orchestrator.Testing;
using Orleans.Storage;

namespace Orchestrator.Cluster.Tests.InProcess;

/// <summary>A stale writer of a run's state (a duplicate activation on another silo that read the run before its nodes
/// completed) cannot write it back over the completed run: its ETag no longer matches.</summary>
public sealed class StaleRunWriterTests(PostgresEngineCluster cluster) : IClassFixture<PostgresEngineCluster>
{
    [Fact]
    public async Task AStaleWriter_CannotOverwriteACompletedRun()
    {
        await cluster.PutAsync("""
            name: pg-stale-writer
            nodes:
              first: { type: set, values: { n: "1" } }
              wait: { type: delay, duration: 1s, dependsOn: [first] }
              last: { type: set, dependsOn: [wait], values: { n: "state.n + 1" } }
            """);
        await using var duplicate = new PostgresStorageBackend(cluster.ConnectionString);
        await duplicate.InitializeAsync(CancellationToken.None);

        var runId = await cluster.StartRunAsync("pg-stale-writer");
        var grainId = cluster.Run(runId).GetGrainId();
        await cluster.Events.WaitAsync(runId, e => e.Type == "node.completed" && e.Node == "first");
        var stale = await RawStates.ReadAsync(duplicate.Grains, grainId, "run");
        Assert.NotNull(stale);
        var finished = await cluster.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Completed, finished.Status);
        var stored = await RawStates.ReadAsync(duplicate.Grains, grainId, "run");

        await Assert.ThrowsAsync<InconsistentStateException>(() => RawStates.WriteAsync(duplicate.Grains, grainId, "run", stale.Value.Json, stale.Value.Etag));

        Assert.Equal(stored, await RawStates.ReadAsync(duplicate.Grains, grainId, "run"));
        var read = await cluster.Run(runId).GetAsync();
        Assert.Equal(RunStatus.Completed, read.Status);
        Assert.Equal("2", read.State["n"]!.ToJsonString());
        Assert.Equal(1, cluster.Events.Of(runId).Count(e => e.Type == "node.completed" && e.Node == "last"));
    }
}
