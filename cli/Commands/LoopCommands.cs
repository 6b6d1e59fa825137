using System.CommandLine;
using System.Globalization;
using Orchestrator.Loops;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator loop list|show|pause|resume|stop|logs</c>.</summary>
internal static class LoopCommands
{
    public static Command Create(CliApp app)
    {
        var id = new Argument<string>("id") { Description = "The loop's id: {runId}:{loop}" };
        var run = new Option<string?>("--run") { Description = "Only the loops of this run" };
        var state = new Option<string?>("--state") { Description = "Only loops in this state (pending, running, paused, stopped, error)" };
        var (limit, cursor) = WorkflowCommands.Paging();
        var reason = new Option<string?>("--reason") { Description = "Why (kept as the loop's reason and written to its log)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep writing new lines until the loop stops" };
        var node = new Option<string?>("--node") { Description = "Only the lines of this node" };
        var after = new Option<long?>("--after") { Description = "The lines after this sequence number (default: the latest)" };
        var logLimit = new Option<int?>("--limit") { Description = "At most this many lines (default 100)" };

        return CliApp.Group(
            "loop",
            "Continuous loops: list, inspect, pause, resume, stop, read their logs.",
            app.Command(
                "list",
                "Loops, newest first, with their counters.",
                "orchestrator loop list --run 0193a5c2e4b07c1d",
                async cli =>
                {
                    var page = await cli.Client.ListLoopsAsync(
                        cli.Maybe(run), CliInput.Enum<LoopStatus>("--state", cli.Maybe(state)), cli.Maybe(limit), cli.Maybe(cursor), cli.Cancellation);
                    cli.Output.List(page, page.Items, page.Cursor, "loops", Columns);
                    return ExitCodes.Success;
                },
                run,
                state,
                limit,
                cursor),
            app.Command(
                "show",
                "A loop: state, counters, rate and each node's health.",
                "orchestrator loop show 0193a5c2e4b07c1d:sensors",
                async cli =>
                {
                    ShowLoop(cli, await cli.Client.GetLoopAsync(cli.Get(id), cli.Cancellation));
                    return ExitCodes.Success;
                },
                id),
            app.Command(
                "pause",
                "Pauses a loop: no new iteration starts; the one under way finishes.",
                "orchestrator loop pause 0193a5c2e4b07c1d:sensors --reason maintenance",
                async cli => Acted(cli, await cli.Client.PauseLoopAsync(cli.Get(id), cli.Maybe(reason), cli.Cancellation)),
                id,
                reason),
            app.Command(
                "resume",
                "Resumes a paused loop.",
                "orchestrator loop resume 0193a5c2e4b07c1d:sensors",
                async cli => Acted(cli, await cli.Client.ResumeLoopAsync(cli.Get(id), cli.Cancellation)),
                id),
            app.Command(
                "stop",
                "Stops a loop for good: the iteration under way is cancelled.",
                "orchestrator loop stop 0193a5c2e4b07c1d:sensors --reason 'sensor retired'",
                async cli => Acted(cli, await cli.Client.StopLoopAsync(cli.Get(id), cli.Maybe(reason), cli.Cancellation)),
                id,
                reason),
            app.Command(
                "logs",
                "The loop's log: the latest lines (or those after --after); with --follow, new ones until the loop stops.",
                "orchestrator loop logs 0193a5c2e4b07c1d:sensors --follow",
                async cli =>
                {
                    if (cli.Get(follow))
                    {
                        await foreach (var line in cli.Client.FollowLoopLogsAsync(cli.Get(id), cli.Maybe(after), cli.Maybe(node), cli.Cancellation))
                        {
                            WriteLine(cli.Output, line);
                        }

                        return ExitCodes.Success;
                    }

                    var lines = await cli.Client.GetLoopLogsAsync(cli.Get(id), cli.Maybe(after), cli.Maybe(logLimit), cli.Maybe(node), cli.Cancellation);
                    if (cli.Output.Format == OutputFormat.Json)
                    {
                        cli.Output.Json(new { items = lines });
                    }
                    else
                    {
                        foreach (var line in lines)
                        {
                            WriteLine(cli.Output, line);
                        }
                    }

                    return ExitCodes.Success;
                },
                id,
                follow,
                node,
                after,
                logLimit));
    }

    private static void WriteLine(Output output, LoopLogEntry line) => output.Record(line, Describe);

    private static string Describe(LoopLogEntry line)
    {
        var where = line.Node is null ? "" : line.Iteration is { } iteration ? $"{line.Node}#{iteration} " : $"{line.Node} ";
        return string.Create(CultureInfo.InvariantCulture, $"{Show.Time(line.At)} {line.Seq,6} {line.Level,-5} {where}{line.Message}");
    }

    private static void ShowLoop(CliContext cli, LoopSnapshot loop) =>
        cli.Output.Item(loop, view => view
            .Field("loop", loop.Id)
            .Field("run", loop.RunId)
            .Field("workflow", $"{loop.Workflow} v{loop.Version}")
            .Field("state", Show.Name(loop.State))
            .Field("reason", loop.Reason)
            .Field("producer", loop.Producer)
            .Field("queue", loop.Queue)
            .Field("pool", loop.Pool)
            .Field("iterations", Show.Number(loop.Iterations))
            .Field("completed", Show.Number(loop.Completed))
            .Field("errors", Show.Number(loop.Errors))
            .Field("rate", string.Create(CultureInfo.InvariantCulture, $"{loop.IterationsPerSecond:0.0}/s over {loop.RateWindowSeconds} s"))
            .Field("in flight", loop.MaxInFlight is { } max ? $"{loop.InFlight} of {max}" : loop.InFlight.ToString(CultureInfo.InvariantCulture))
            .Field("last error", loop.LastError is { } error ? $"{error.Node} #{error.Iteration}: {error.Message}" : null)
            .Field("started", Show.Time(loop.StartedAt))
            .Field("stopped", Show.Time(loop.StoppedAt))
            .Table("nodes", loop.Nodes.ToList(), NodeColumns));

    private static int Acted(CliContext cli, LoopSnapshot loop)
    {
        cli.Output.Item(loop, view => view.Field("loop", loop.Id).Field("state", Show.Name(loop.State)));
        return ExitCodes.Success;
    }

    private static readonly Column<LoopSnapshot>[] Columns =
    [
        new("LOOP", l => l.Id),
        new("WORKFLOW", l => l.Workflow),
        new("STATE", l => Show.Name(l.State)),
        new("ITERATIONS", l => Show.Number(l.Iterations)),
        new("RATE/S", l => l.IterationsPerSecond.ToString("0.0", CultureInfo.InvariantCulture)),
        new("ERRORS", l => Show.Number(l.Errors)),
        new("IN FLIGHT", l => l.InFlight.ToString(CultureInfo.InvariantCulture)),
        new("CREATED", l => Show.Time(l.CreatedAt)),
    ];

    private static readonly Column<KeyValuePair<string, LoopNodeSnapshot>>[] NodeColumns =
    [
        new("NODE", n => n.Key),
        new("TYPE", n => n.Value.Type),
        new("HEALTH", n => Show.Name(n.Value.Health)),
        new("SUCCEEDED", n => Show.Number(n.Value.Succeeded)),
        new("FAILED", n => Show.Number(n.Value.Failed)),
        new("LAST RUN", n => Show.Time(n.Value.LastRunAt)),
        new("LAST ERROR", n => Show.Cut(n.Value.LastError, 60)),
    ];
}
