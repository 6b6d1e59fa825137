using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Streams;
using Orchestrator.Api.Runs;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;
using Orchestrator.Workflows;

namespace Orchestrator.Api.Compat;

/// <summary>Seed 002's <c>WS /ws/graph/run/{graph_id}</c>: <c>connected</c>; the client sends
/// <c>{"initial_state": {…}}</c>; the server starts a run and streams <c>status</c>, <c>node_start</c>,
/// <c>node_complete</c>, <c>transition</c>, <c>system</c>, then <c>complete</c> (or <c>error</c>), and closes.</summary>
internal static class GraphRunSocketEndpoint
{
    public const string Route = "/ws/graph/run/{graph_id}";

    public static async Task<IResult> HandleAsync(
        HttpContext context, [FromRoute(Name = "graph_id")] string graphId, IGrainFactory grains, RunEventFeed feed,
        EventSocketRegistry sockets, IOptions<WebSocketStreamOptions> options, TimeProvider clock, ILoggerFactory loggers)
    {
        if (!WebSocketRequests.IsWebSocketRequest(context))
        {
            return WebSocketRejections.NotAWebSocket(Route);
        }

        await using var socket = await sockets.AcceptAsync(context, Route);
        var request = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await EventSocketSession.RunAsync(
            socket,
            loggers.CreateLogger(typeof(GraphRunSocketEndpoint)),
            options.Value.MaxRunRequestBytes,
            s => RunAsync(s, graphId, request.Task, grains, feed, clock),
            (s, text) => request.TrySetResult(text)
                ? Task.CompletedTask
                : EventSocketSession.TrySendErrorAsync(s, "the run has started; send one {\"initial_state\": {…}} message per connection"));
        return Results.Empty;
    }

    private static async Task RunAsync(EventSocket socket, string graphId, Task<string> request, IGrainFactory grains, RunEventFeed feed, TimeProvider clock)
    {
        await socket.SendAsync(SeedMessages.GraphConnected(graphId));
        var text = await request.WaitAsync(socket.Stopping);
        var (run, _, problem) = GraphRunRequest.Read(Encoding.UTF8.GetBytes(text), needsGraphId: false);
        if (run is null)
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "invalid request", SeedMessages.Error(problem!, "Invalid request"));
            return;
        }

        var runId = RunIds.New(clock);
        // Subscribed before the run starts; the subscription replays from the log anyway, so nothing is missed.
        await using var subscription = await feed.SubscribeAsync(runId, socket.CloseTooSlow);
        try
        {
            await grains.GetGrain<IRunGrain>(runId).StartAsync(new StartRun { Workflow = graphId, Input = run.InitialState ?? new JsonObject(), TraceParent = RequestTrace.TraceParent() });
        }
        catch (Exception e) when (e is WorkflowNotFoundException or InvalidOperationException)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "workflow not started", SeedMessages.Error(e.Message, "Workflow execution failed"));
            return;
        }

        var log = new JsonArray();
        await foreach (var runEvent in subscription.ReadAsync(0, socket.Stopping))
        {
            switch (runEvent.Type)
            {
                case RunEventTypes.RunCompleted:
                    await socket.SendAsync(SeedMessages.GraphComplete(runId, runEvent.Data?["state"], log));
                    return;
                case RunEventTypes.RunFailed or RunEventTypes.RunCancelled:
                    await socket.SendAsync(SeedMessages.GraphFailed(runEvent));
                    return;
            }

            if (ExecutionLog.Add(log, runEvent) is { } message)
            {
                await socket.SendAsync(message);
            }
        }
    }
}
