using System.Diagnostics;
using System.Net;
using System.Text;
using Orchestrator.Client;
using Orchestrator.Runs;
using Orchestrator.Silo.Tests;
using Orchestrator.Silo.Tests.Client;

namespace Orchestrator.Cluster.Tests.Processes;

/// <summary>A grain client that finds the cluster through the PostgreSQL membership table instead of a gateway list.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class GrainClientMembershipTests(PostgresClusterFixture postgres) : IDisposable
{
    private readonly TemporaryDirectory _workDir = new();
    private readonly List<ClusterSilo> _others = [];
    private ClusterSilo? _silo;

    public void Dispose()
    {
        _silo?.Dispose();
        foreach (var other in _others)
        {
            other.Dispose();
        }

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
    public async Task ClientSample_FindsATwoSiloClusterThroughItsDatabase_AndPrintsTheRunsEventsAndResult()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("client_sample");
        _silo = ClusterSilo.Start(_workDir.Path, "silo-sample-1", connectionString, "sample-tests");
        _others.Add(ClusterSilo.Start(_workDir.Path, "silo-sample-2", connectionString, "sample-tests"));
        await Task.WhenAll(_silo.WaitUntilHealthyAsync(), _others[0].WaitUntilHealthyAsync());
        await _silo.WaitForSilosAsync(items => items.Count(s => s?["status"]?.GetValue<string>() == "running") == 2, TimeSpan.FromSeconds(60));
        using (var put = await _others[0].Http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent("""
            {"name": "sampled", "nodes": {
              "first": {"type": "set", "values": {"n": "input.n"}},
              "double": {"type": "set", "values": {"doubled": "state.n * 2"}, "dependsOn": ["first"]}}}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(put.StatusCode == HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        }

        var (exitCode, output, error) = await ClientSample.RunAsync(TimeSpan.FromSeconds(60),
            "--postgres", connectionString, "--cluster-id", "sample-tests", "--workflow", "sampled", "--input", """{"n": 21}""");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{output}\n{error}");
        Assert.Matches(@"^started run \S+", output);
        Assert.Contains($"{RunEventTypes.NodeCompleted} double", output, StringComparison.Ordinal);
        Assert.Matches(@"run \S+ completed", output);
        Assert.Contains("\"doubled\":42", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_Refuses_WhenGatewaysAndAConnectionStringAreBothGiven()
    {
        var options = new OrchestratorClientOptions { PostgresConnectionString = "Host=localhost" };
        options.Gateways.Add("127.0.0.1:30000");
        await Assert.ThrowsAsync<ArgumentException>(() => OrchestratorClient.ConnectAsync(options));
    }
}
