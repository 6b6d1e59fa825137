using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Problems;
using Orchestrator.Api.Security;
using Orchestrator.Loops;
using Orchestrator.Queues;
using Orchestrator.Schedules;
using Orleans.Runtime;

namespace Orchestrator.Api.Streams;

/// <summary>Push feeds of a loop, a queue and a schedule: <c>WS /api/loops/{id}/feed</c>, <c>/api/queues/{name}/feed</c>,
/// <c>/api/schedules/{id}/feed</c>. Each sends the resource as <c>GET</c> shows it when the socket opens and again
/// whenever it changed (read every <see cref="Every"/> on the server, sent only when different, so an idle resource
/// sends nothing); a loop's feed also sends its new log lines, <c>{type: "log", line}</c>, after the latest 50. The
/// socket stays open until the client closes it.</summary>
internal static class SnapshotFeeds
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private const int LogTail = 50;

    public static void MapSnapshotFeeds(this IEndpointRouteBuilder app)
    {
        app.Map($"{ApiEndpoints.Prefix}/loops/{{id}}/feed", LoopAsync).AsWebSocket().WithTags("loops").Viewer();
        app.Map($"{ApiEndpoints.Prefix}/queues/{{name}}/feed", QueueAsync).AsWebSocket().WithTags("queues").Viewer();
        app.Map($"{ApiEndpoints.Prefix}/schedules/{{id}}/feed", ScheduleAsync).AsWebSocket().WithTags("schedules").Viewer();
    }

    private static async Task<IResult> LoopAsync(
        HttpContext context, string id, IGrainFactory grains, EventSocketRegistry sockets, IOptions<WebSocketStreamOptions> options, ILoggerFactory loggers)
    {
        var loop = grains.GetGrain<ILoopGrain>(id);
        long lastSeq = -1;
        return await FeedAsync(context, "/api/loops/{id}/feed", sockets, options, loggers, async () => Message("loop", await loop.GetAsync()), async socket =>
        {
            var lines = await loop.GetLogsAsync(lastSeq < 0 ? new LoopLogQuery { Limit = LogTail } : new LoopLogQuery { AfterSeq = lastSeq, Limit = 1000 });
            foreach (var line in lines)
            {
                lastSeq = Math.Max(lastSeq, line.Seq);
                await socket.SendAsync(new JsonObject { ["type"] = "log", ["line"] = JsonSerializer.SerializeToNode(line, StreamJson.Options) });
            }

            lastSeq = Math.Max(lastSeq, 0);
        });
    }

    private static Task<IResult> QueueAsync(
        HttpContext context, string name, IQueueDirectory queues, EventSocketRegistry sockets, IOptions<WebSocketStreamOptions> options, ILoggerFactory loggers) =>
        FeedAsync(context, "/api/queues/{name}/feed", sockets, options, loggers,
            async () => Message("queue", await queues.GetAsync(name, context.RequestAborted) ?? throw new KeyNotFoundException($"There is no queue '{name}'.")));

    private static Task<IResult> ScheduleAsync(
        HttpContext context, string id, IGrainFactory grains, EventSocketRegistry sockets, IOptions<WebSocketStreamOptions> options, ILoggerFactory loggers)
    {
        var schedule = grains.GetGrain<IScheduleGrain>(id);
        return FeedAsync(context, "/api/schedules/{id}/feed", sockets, options, loggers, async () =>
        {
            var message = Message("schedule", await schedule.GetAsync() ?? throw new KeyNotFoundException($"There is no schedule '{id}'."));
            message["executions"] = JsonSerializer.SerializeToNode(await schedule.GetExecutionsAsync(20), StreamJson.Options);
            return message;
        });
    }

    /// <summary><c>{type, [type]: value}</c>.</summary>
    private static JsonObject Message<T>(string type, T value) =>
        new() { ["type"] = type, [type] = JsonSerializer.SerializeToNode(value, StreamJson.Options) };

    /// <summary>Accepts the socket once the resource exists (else 404), then sends the message <paramref name="read"/>
    /// makes of it whenever that changes, with <paramref name="extra"/> after each read.</summary>
    private static async Task<IResult> FeedAsync(
        HttpContext context, string route, EventSocketRegistry sockets, IOptions<WebSocketStreamOptions> options, ILoggerFactory loggers,
        Func<Task<JsonObject>> read, Func<EventSocket, Task>? extra = null)
    {
        if (!WebSocketRequests.IsWebSocketRequest(context))
        {
            return WebSocketRejections.NotAWebSocket(route);
        }

        JsonObject first;
        try
        {
            first = await read();
        }
        catch (KeyNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (SiloUnavailableException e)
        {
            return WebSocketRejections.Unavailable(e.Message);
        }

        await using var socket = await sockets.AcceptAsync(context, route);
        await EventSocketSession.RunAsync(socket, loggers.CreateLogger(typeof(SnapshotFeeds)), options.Value.MaxMessageBytes, async s =>
        {
            string? last = null;
            var current = first;
            using var timer = new PeriodicTimer(Every);
            while (!s.Stopping.IsCancellationRequested)
            {
                var json = current.ToJsonString(StreamJson.Options);
                if (json != last)
                {
                    last = json;
                    await s.SendAsync(current);
                }

                if (extra is not null)
                {
                    await extra(s);
                }

                if (!await timer.WaitForNextTickAsync(s.Stopping))
                {
                    return;
                }

                current = await read();
            }
        });
        return Results.Empty;
    }
}
