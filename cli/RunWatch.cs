using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Orchestrator.Cli.Commands;
using Orchestrator.Runs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Cli;

/// <summary><c>run start --watch</c>: the run live until it ends. On a terminal, a view redrawn in place — each node's
/// state, attempts and duration, a progress bar of finished nodes (forEach elements counted), the latest events; the
/// events come over the run's WebSocket, which is opened again with replay when it drops. Otherwise plain lines, one per
/// event, with no control characters.</summary>
internal static class RunWatch
{
    private const int RecentEvents = 8;

    private static readonly TimeSpan RefreshEvery = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    public static async Task<int> WatchAsync(CliContext cli, string runId)
    {
        var handle = cli.Client.Run(runId);
        var run = await handle.GetAsync(cli.Cancellation);
        var console = cli.Output.Console;
        if (!console.IsTerminal || cli.Output.Format != OutputFormat.Table)
        {
            await foreach (var runEvent in cli.Client.WatchRunEventsAsync(
                runId, 0, e => console.Error.WriteLine($"connection lost ({e.Message}); reconnecting"), cli.Cancellation))
            {
                RunCommands.WriteEvent(cli.Output, runEvent);
            }

            return RunCommands.ExitCodeOf(await handle.GetAsync(cli.Cancellation));
        }

        var recent = new List<string>();
        string? notice = null;
        var events = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var reading = ReadEventsAsync(cli, runId, events.Writer, e => notice = $"connection lost ({e.Message}); reconnecting");
        await console.Terminal.Live(Render(run, recent, notice)).AutoClear(false).StartAsync(async live =>
        {
            var refreshed = DateTimeOffset.MinValue;
            while (true)
            {
                // Redrawn at least every tick, so the durations of running nodes move between events.
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(cli.Cancellation);
                tick.CancelAfter(Tick);
                bool more;
                try
                {
                    more = await events.Reader.WaitToReadAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!cli.Cancellation.IsCancellationRequested)
                {
                    live.UpdateTarget(Render(run, recent, notice));
                    continue;
                }

                if (!more)
                {
                    break;
                }

                var ended = false;
                while (events.Reader.TryRead(out var runEvent))
                {
                    notice = null;
                    recent.Add(Describe(runEvent));
                    if (recent.Count > RecentEvents)
                    {
                        recent.RemoveAt(0);
                    }

                    ended |= RunEventTypes.IsTerminal(runEvent.Type);
                }

                if (ended || DateTimeOffset.UtcNow - refreshed >= RefreshEvery)
                {
                    run = await handle.GetAsync(cli.Cancellation);
                    refreshed = DateTimeOffset.UtcNow;
                }

                live.UpdateTarget(Render(run, recent, notice));
            }

            await reading;
            run = await handle.GetAsync(cli.Cancellation);
            live.UpdateTarget(Render(run, recent, notice));
        });
        return RunCommands.ExitCodeOf(run);
    }

    /// <summary>Copies the run's events into <paramref name="events"/> and completes it when the run has ended (or with
    /// the error that stopped the reading).</summary>
    private static async Task ReadEventsAsync(CliContext cli, string runId, ChannelWriter<RunEvent> events, Action<Exception> reconnected)
    {
        try
        {
            await foreach (var runEvent in cli.Client.WatchRunEventsAsync(runId, 0, reconnected, cli.Cancellation))
            {
                await events.WriteAsync(runEvent, cli.Cancellation);
            }

            events.Complete();
        }
        catch (Exception e)
        {
            // The view's loop rethrows it from the channel.
            events.Complete(e);
        }
    }

    /// <summary>One event as a line: time, sequence, type, node (with its element), attempt and what it says.</summary>
    public static string Describe(RunEvent runEvent)
    {
        var node = runEvent.Node is null ? "" : runEvent.Node;
        if (runEvent.Data is JsonObject data && data["itemIndex"] is JsonValue index)
        {
            node += $"[{index.ToJsonString()}]";
        }

        var attempt = runEvent.Attempt is > 0 and var n && runEvent.Node is not null ? $" attempt {n}" : "";
        var detail = runEvent.Data is JsonObject fields
            ? (fields["error"] ?? fields["message"] ?? fields["reason"]) is JsonValue text && text.TryGetValue<string>(out var message) ? $"  {Show.Cut(message, 100)}" : ""
            : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Show.Clock(runEvent.Timestamp)} {runEvent.Seq,5}  {runEvent.Type,-22} {node}{attempt}{detail}").TrimEnd();
    }

    private static Rows Render(RunSnapshot run, IReadOnlyList<string> recent, string? notice)
    {
        var (finished, total) = RunProgress.Of(run);
        var parts = new List<IRenderable>
        {
            new Paragraph()
                .Append($"run {run.RunId}  {run.Workflow} v{run.Version}  ", new Style(decoration: Decoration.Bold))
                .Append(Show.Name(run.Status), StatusStyle(Show.Name(run.Status))),
            new Text($"{RunProgress.Bar(finished, total)} nodes finished  {Show.Duration(run.StartedAt ?? run.CreatedAt, run.FinishedAt)}"),
        };
        var table = new Table { Border = TableBorder.Simple };
        foreach (var header in new[] { "NODE", "STATUS", "ATTEMPTS", "ITEMS", "DURATION", "ERROR" })
        {
            table.AddColumn(new TableColumn(new Text(header)) { NoWrap = true });
        }

        foreach (var (name, node) in run.Nodes)
        {
            var status = Show.Name(node.Status);
            table.AddRow(
                new Text(name),
                new Text(status, StatusStyle(status)),
                new Text(node.Attempts.ToString(CultureInfo.InvariantCulture)),
                new Text(RunProgress.Items(node) ?? ""),
                new Text(Show.Duration(node.StartedAt, node.FinishedAt ?? (node.Status.IsFinished() ? node.StartedAt : null)) ?? ""),
                new Text(Show.Cut(node.Error, 60) ?? ""));
        }

        parts.Add(table);
        if (run.Error is not null)
        {
            parts.Add(new Text($"error: {run.Error}", new Style(Color.Red)));
        }

        parts.Add(new Text("latest events", new Style(decoration: Decoration.Bold)));
        parts.AddRange(recent.Select(line => new Text(line)));
        if (notice is not null)
        {
            parts.Add(new Text(notice, new Style(Color.Yellow)));
        }

        return new Rows(parts);
    }

    private static Style StatusStyle(string status) => status switch
    {
        "completed" => new Style(Color.Green),
        "failed" => new Style(Color.Red),
        "running" or "retrying" => new Style(Color.Yellow),
        "cancelled" or "skipped" => new Style(Color.Grey),
        _ => Style.Plain,
    };
}
