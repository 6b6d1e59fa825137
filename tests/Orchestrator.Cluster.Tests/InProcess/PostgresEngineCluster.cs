using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;
using Orchestrator.Providers.Streams;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Testing;
using Orchestrator.Testing.Postgres;
using Orchestrator.Workflows;
using Orleans;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Orchestrator.Cluster.Tests.InProcess;

/// <summary>Three silos of one in-process cluster, each with a PostgreSQL backend of its own on one throwaway database
/// and membership in that database, running the workflow engine. Runs are started and read through the first silo's
/// grain factory, as the HTTP API on that silo would; grains are placed at random, so most runs live on the other two
/// and their calls, state and events cross silos (Orleans' default placement prefers the calling silo while loads are
/// even, which would keep them all on the first).</summary>
public sealed class PostgresEngineCluster : IAsyncLifetime
{
    public const int Silos = 3;
    private PostgresServer? _server;
    private TopicSubscription? _subscription;

    public TestSilo Silo { get; private set; } = null!;

    /// <summary>The database every silo uses.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The first silo's grain factory: where the calls of these tests enter the cluster.</summary>
    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    internal RunEventLog Events { get; } = new();

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        ConnectionString = await _server.CreateDatabaseAsync("engine_cluster");
        Silo = await TestSilo.StartAsync(new TestSiloOptions
        {
            Silos = Silos,
            Postgres = ConnectionString,
            Services = services =>
            {
                services.AddWorkflowEngine();
                services.AddSingleton<PlacementStrategy, RandomPlacement>();
            },
        });
        var memory = TopicProviders.Get(Silo.Services, TopicProviderNames.Memory);
        _subscription = await memory.GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, RunEventTypes.AllRunsStreamKey))
            .SubscribeAsync(Events);
    }

    public async Task DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.UnsubscribeAsync();
        }

        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public async Task PutAsync(string yaml)
    {
        var loaded = DefinitionLoader.Load(yaml);
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        await Grains.GetGrain<IWorkflowGrain>(loaded.Definition!.Name).PutAsync(loaded.Definition);
    }

    public async Task<string> StartRunAsync(string workflow, JsonNode? input = null)
    {
        var run = await Grains.GetGrain<IRunGrain>(RunIds.New(TimeProvider.System)).StartAsync(new StartRun { Workflow = workflow, Input = input });
        return run.RunId;
    }

    public IRunGrain Run(string runId) => Grains.GetGrain<IRunGrain>(runId);

    /// <summary>Waits for the run's end event, then reads the run.</summary>
    public async Task<RunSnapshot> WaitForEndAsync(string runId)
    {
        await Events.WaitAsync(runId, e => RunEventTypes.IsTerminal(e.Type));
        return await Run(runId).GetAsync();
    }
}
