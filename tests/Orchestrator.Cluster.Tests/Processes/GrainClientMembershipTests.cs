using System.Diagnostics;
using System.Net;
using System.Text;
using Orchestrator.Client;
using Orchestrator.Runs;
using Orchestrator.Silo.Tests;

namespace Orchestrator.Cluster.Tests.Processes;

/// <summary>A grain client that finds the cluster through the PostgreSQL membership table instead of a gateway list.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class GrainClientMembershipTests(PostgresClusterFixture postgres) : IDisposable
{
    private readonly TemporaryDirectory _workDir = new();
    private ClusterSilo? _silo;

    public void Dispose()
    {
        _silo?.Dispose();
        _workDir.Dispose();
    }

    [Fact]
    public async Task ConnectAsync_FindsTheSiloInTheMembershipTable_AndRunsAWorkflowThroughIt()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("grain_client");
        _silo = ClusterSilo.Start(_workDir.Path, "silo-client", connectionString, "client-tests");
        await _silo.WaitUntilHealthyAsync();
        using (var put = await _silo.Http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent("""
            {"name": "from-client", "nodes": {
              "first": {"type": "set", "values": {"n": "1"}},
              "second": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["first"]}}}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(put.StatusCode == HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        }

        var options = new OrchestratorClientOptions { ClusterId = "client-tests", PostgresConnectionString = connectionString };
        var connecting = Stopwatch.StartNew();
        await using var client = await OrchestratorClient.ConnectAsync(options);
        connecting.Stop();
        var run = await client.StartRunAsync("from-client");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var finished = await run.WaitAsync(timeout.Token);

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(2, finished.State["n"]!.GetValue<double>());
        Console.WriteLine($"Connected through the membership table in {connecting.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public async Task ConnectAsync_Refuses_WhenGatewaysAndAConnectionStringAreBothGiven()
    {
        var options = new OrchestratorClientOptions { PostgresConnectionString = "Host=localhost" };
        options.Gateways.Add("127.0.0.1:30000");
        await Assert.ThrowsAsync<ArgumentException>(() => OrchestratorClient.ConnectAsync(options));
    }
}
