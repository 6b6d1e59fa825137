using System.Text.Json.Nodes;
using Orchestrator.Api.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Problems;
using Orchestrator.Api.Streams;
using Orchestrator.Definitions;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;
using Orchestrator.Workflows;

namespace Orchestrator.Api.Compat;

/// <summary>Seed 002's HTTP routes: create a graph (a definition in our format), run it synchronously or in the
/// background, and read a run's status and state, in the seed's snake_case shapes.</summary>
internal static class GraphEndpoints
{
    public static async Task<IResult> CreateAsync(HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (text, problem) = await SeedRequestBody.ReadDefinitionAsync(request, cancellationToken);
        if (text is null)
        {
            return ApiProblems.BadRequest("body", problem!);
        }

        try
        {
            var read = await grains.GetGrain<IDefinitionReaderGrain>(IDefinitionReaderGrain.Key).ReadAsync(text, SeedRequestBody.FormatOf(request));
            if (!read.IsValid)
            {
                return ApiProblems.Definition(read.Problems);
            }

            var version = await grains.GetGrain<IWorkflowGrain>(read.Definition!.Name).PutAsync(read.Definition);
            var body = new GraphCreatedResponse(version.Name, version.Version);
            return version.Created ? TypedResults.Created($"/graph/{version.Name}", body) : TypedResults.Ok(body);
        }
        catch (DefinitionInvalidException e)
        {
            return ApiProblems.Definition(e.Problems);
        }
        catch (SiloUnavailableException e)
        {
            return WebSocketRejections.Unavailable(e.Message);
        }
    }

    public static async Task<IResult> RunAsync(
        HttpRequest request, IGrainFactory grains, IServiceProvider services, TimeProvider clock,
        IOptions<WebSocketStreamOptions> options, CancellationToken cancellationToken)
    {
        var (run, problem) = await ReadRunRequestAsync(request, cancellationToken);
        if (run is null)
        {
            return problem!;
        }

        var runId = RunIds.New(clock);
        var grain = grains.GetGrain<IRunGrain>(runId);
        await using var watcher = await RunEndWatcher.SubscribeAsync(services, runId);
        if (await StartAsync(grain, run) is { } refused)
        {
            return refused;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.SynchronousRunTimeout);
        var snapshot = await watcher.WaitAsync(grain, timeout.Token);
        var body = new GraphRunResponse(runId, SeedMessages.Name(snapshot.Status), snapshot.State, await ExecutionLog.ReadAsync(grain), snapshot.Error);
        return snapshot.Status.IsFinished() ? TypedResults.Ok(body) : TypedResults.Accepted($"/graph/state/{runId}", body);
    }

    public static async Task<IResult> RunInBackgroundAsync(HttpRequest request, IGrainFactory grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (run, problem) = await ReadRunRequestAsync(request, cancellationToken);
        if (run is null)
        {
            return problem!;
        }

        var runId = RunIds.New(clock);
        return await StartAsync(grains.GetGrain<IRunGrain>(runId), run)
            ?? TypedResults.Ok(new BackgroundRunResponse(runId, "Workflow started in background", $"/graph/state/{runId}"));
    }

    public static async Task<IResult> GetBackgroundStatusAsync([FromRoute(Name = "run_id")] string runId, IGrainFactory grains)
    {
        var snapshot = await TryGetAsync(grains, runId);
        if (snapshot is null)
        {
            return TypedResults.NotFound(new BackgroundStatusResponse(runId, "not_found", null, null, "not_found"));
        }

        var taskStatus = snapshot.Status switch
        {
            RunStatus.Completed => "completed",
            RunStatus.Failed or RunStatus.Cancelled => "failed",
            _ => "running",
        };
        return TypedResults.Ok(new BackgroundStatusResponse(runId, taskStatus, SeedMessages.Name(snapshot.Status), CurrentNode(snapshot)));
    }

    public static async Task<IResult> GetStateAsync([FromRoute(Name = "run_id")] string runId, IGrainFactory grains)
    {
        var snapshot = await TryGetAsync(grains, runId);
        if (snapshot is null)
        {
            return ApiProblems.NotFound($"Run '{runId}' does not exist.");
        }

        var log = await ExecutionLog.ReadAsync(grains.GetGrain<IRunGrain>(runId));
        return TypedResults.Ok(new GraphStateResponse(runId, SeedMessages.Name(snapshot.Status), CurrentNode(snapshot), snapshot.State, log, snapshot.Error));
    }

    /// <summary><c>END</c> once the run completed; else the graph's current node, or (DAG mode) the first running one.</summary>
    private static string? CurrentNode(RunSnapshot run) =>
        run.Status == RunStatus.Completed
            ? WorkflowDefinition.EndNode
            : run.CurrentNode ?? run.Nodes.FirstOrDefault(n => n.Value.Status == NodeStatus.Running).Key;

    private static async Task<RunSnapshot?> TryGetAsync(IGrainFactory grains, string runId)
    {
        try
        {
            return await grains.GetGrain<IRunGrain>(runId).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Starts the run; a problem when the workflow is unknown (404) or refuses runs (409).</summary>
    private static async Task<IResult?> StartAsync(IRunGrain run, GraphRunRequest request)
    {
        try
        {
            await run.StartAsync(new StartRun { Workflow = request.GraphId!, Input = request.InitialState ?? new JsonObject(), TraceParent = RequestTrace.TraceParent() });
            return null;
        }
        catch (WorkflowNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (SiloUnavailableException e)
        {
            return WebSocketRejections.Unavailable(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    private static async Task<(GraphRunRequest? Request, IResult? Problem)> ReadRunRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (bytes, problem) = await SeedRequestBody.ReadAsync(request, "the request needs a JSON body {\"graph_id\": …, \"initial_state\": {…}}", cancellationToken);
        if (bytes is null)
        {
            return (null, ApiProblems.BadRequest("body", problem!));
        }

        var (run, field, invalid) = GraphRunRequest.Read(bytes, needsGraphId: true);
        return run is null ? (null, ApiProblems.BadRequest(field!, invalid!)) : (run, null);
    }
}
