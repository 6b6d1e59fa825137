using System.CommandLine;
using System.Globalization;
using Orchestrator.Client;
using Orchestrator.Runs;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator run start|list|show|events|cancel|pause|resume|signal</c>.</summary>
internal static class RunCommands
{
    public static Command Create(CliApp app)
    {
        var workflow = new Argument<string>("workflow") { Description = "The workflow to run" };
        var id = new Argument<string>("id") { Description = "The run's id" };
        var input = new Option<string?>("--input") { Description = "The run's input: JSON, or @file" };
        var version = new Option<int?>("--version") { Description = "The workflow version (default: the latest)" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Starting again with the same key returns the same run" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the run to end; exit 1 when it failed or was cancelled" };
        var watch = new Option<bool>("--watch") { Description = "Show the run live until it ends; exit 1 when it failed or was cancelled" };
        var listWorkflow = new Option<string?>("--workflow") { Description = "Only runs of this workflow" };
        var status = new Option<string?>("--status") { Description = "Only runs in this status (pending, running, paused, completed, failed, cancelled)" };
        var triggeredBy = new Option<string?>("--triggered-by") { Description = "Only runs started by this trigger (api, cli, schedule:<id>, run:<id>, …)" };
        var (limit, cursor) = WorkflowCommands.Paging();
        var after = new Option<long>("--after") { Description = "Only events after this sequence number" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep writing new events until the run ends" };
        var reason = new Option<string?>("--reason") { Description = "Why (kept with the run)" };
        var signalName = new Argument<string>("name") { Description = "The state key the signal sets" };
        var data = new Option<string?>("--data") { Description = "The signal's value: JSON, or @file" };

        var start = app.Command(
            "start",
            "Starts a run of a workflow; prints its id, or with --wait the finished run, or with --watch its live progress.",
            "orchestrator run start dag-fanout --input '{\"numbers\": [1, 2, 3]}' --watch",
            async cli =>
            {
                if (cli.Get(wait) && cli.Get(watch))
                {
                    throw new CliUsageException("--wait and --watch: give one of them");
                }

                var run = await cli.Client.StartRunAsync(
                    cli.Get(workflow), CliInput.Json("--input", cli.Maybe(input)), cli.Maybe(idempotencyKey), cli.Maybe(version), cli.Cancellation);
                if (cli.Get(watch))
                {
                    return await RunWatch.WatchAsync(cli, run.RunId);
                }

                if (!cli.Get(wait))
                {
                    cli.Output.Item(new { runId = run.RunId }, view => view.Field("run", run.RunId).Field("status", "started"));
                    return ExitCodes.Success;
                }

                var finished = await run.WaitAsync(cli.Cancellation);
                ShowRun(cli, finished);
                return ExitCodeOf(finished);
            },
            workflow,
            input,
            version,
            idempotencyKey,
            wait,
            watch);

        return CliApp.Group(
            "run",
            "Start, follow, list and act on runs.",
            start,
            app.Command(
                "list",
                "Runs, newest first.",
                "orchestrator run list --workflow dag-fanout --status failed --limit 20",
                async cli =>
                {
                    var page = await cli.Client.ListRunsAsync(
                        cli.Maybe(listWorkflow), CliInput.Enum<RunStatus>("--status", cli.Maybe(status)), cli.Maybe(triggeredBy),
                        cli.Maybe(limit), cli.Maybe(cursor), cli.Cancellation);
                    cli.Output.List(page, page.Items, page.Cursor, "runs", Columns);
                    return ExitCodes.Success;
                },
                listWorkflow,
                status,
                triggeredBy,
                limit,
                cursor),
            app.Command(
                "show",
                "A run: status, input, state and each node.",
                "orchestrator run show 0193a5c2e4b07c1d",
                async cli =>
                {
                    ShowRun(cli, await cli.Client.Run(cli.Get(id)).GetAsync(cli.Cancellation));
                    return ExitCodes.Success;
                },
                id),
            app.Command(
                "events",
                "The run's events, oldest first; with --follow, new ones as they happen until the run ends.",
                "orchestrator run events 0193a5c2e4b07c1d --follow -o jsonl",
                async cli =>
                {
                    var runId = cli.Get(id);
                    if (cli.Get(follow))
                    {
                        await cli.Client.Run(runId).GetAsync(cli.Cancellation);
                        await foreach (var runEvent in cli.Client.WatchRunEventsAsync(
                            runId, cli.Get(after), e => cli.Output.Console.Error.WriteLine($"connection lost ({e.Message}); reconnecting"), cli.Cancellation))
                        {
                            WriteEvent(cli.Output, runEvent);
                        }

                        return ExitCodes.Success;
                    }

                    var events = new List<RunEvent>();
                    var from = cli.Get(after);
                    while (true)
                    {
                        var page = await cli.Client.GetRunEventsAsync(runId, from, 1000, cli.Cancellation);
                        events.AddRange(page);
                        if (page.Count < 1000)
                        {
                            break;
                        }

                        from = page[^1].Seq;
                    }

                    if (cli.Output.Format == OutputFormat.Json)
                    {
                        cli.Output.Json(events);
                    }
                    else
                    {
                        events.ForEach(e => WriteEvent(cli.Output, e));
                    }

                    return ExitCodes.Success;
                },
                id,
                after,
                follow),
            app.Command(
                "cancel",
                "Cancels a run (cancelling a finished run changes nothing).",
                "orchestrator run cancel 0193a5c2e4b07c1d --reason 'wrong input'",
                async cli => Acted(cli, await cli.Client.Run(cli.Get(id)).CancelAsync(cli.Maybe(reason), cli.Cancellation)),
                id,
                reason),
            app.Command(
                "pause",
                "Pauses a running run: no new node starts until it is resumed.",
                "orchestrator run pause 0193a5c2e4b07c1d",
                async cli => Acted(cli, await cli.Client.Run(cli.Get(id)).PauseAsync(cli.Cancellation)),
                id),
            app.Command(
                "resume",
                "Resumes a paused run.",
                "orchestrator run resume 0193a5c2e4b07c1d",
                async cli => Acted(cli, await cli.Client.Run(cli.Get(id)).ResumeAsync(cli.Cancellation)),
                id),
            app.Command(
                "signal",
                "Sets NAME in the run's state to --data (JSON), for nodes that wait for it.",
                "orchestrator run signal 0193a5c2e4b07c1d approval --data '{\"approved\": true}'",
                async cli => Acted(cli, await cli.Client.Run(cli.Get(id)).SignalAsync(cli.Get(signalName), CliInput.Json("--data", cli.Maybe(data)), cli.Cancellation)),
                id,
                signalName,
                data));
    }

    /// <summary>0 for a completed run, 1 for one that failed or was cancelled.</summary>
    public static int ExitCodeOf(RunSnapshot run) => run.Status is RunStatus.Failed or RunStatus.Cancelled ? ExitCodes.Failed : ExitCodes.Success;

    public static void ShowRun(CliContext cli, RunSnapshot run) =>
        cli.Output.Item(run, view => view
            .Field("run", run.RunId)
            .Field("workflow", $"{run.Workflow} v{run.Version}")
            .Field("status", Show.Name(run.Status))
            .Field("error", run.Error)
            .Field("created", Show.Time(run.CreatedAt))
            .Field("started", Show.Time(run.StartedAt))
            .Field("finished", Show.Time(run.FinishedAt))
            .Field("duration", Show.Duration(run.StartedAt, run.FinishedAt))
            .Field("current node", run.CurrentNode)
            .Field("triggered by", run.TriggeredBy)
            .Field("idempotency key", run.IdempotencyKey)
            .Field("parent", run.Parent is { } parent ? $"{parent.RunId} ({parent.Node})" : null)
            .Field("input", Show.Json(run.Input, 120))
            .Field("state", Show.Json(run.State, 120))
            .Table("nodes", run.Nodes.ToList(), NodeColumns));

    /// <summary>One event: a line of text in a table format, an object otherwise.</summary>
    public static void WriteEvent(Output output, RunEvent runEvent) => output.Record(runEvent, RunWatch.Describe);

    private static int Acted(CliContext cli, RunSnapshot run)
    {
        cli.Output.Item(run, view => view.Field("run", run.RunId).Field("status", Show.Name(run.Status)));
        return ExitCodes.Success;
    }

    private static readonly Column<RunSummary>[] Columns =
    [
        new("RUN", r => r.RunId),
        new("WORKFLOW", r => r.Workflow),
        new("VERSION", r => r.Version.ToString(CultureInfo.InvariantCulture)),
        new("STATUS", r => Show.Name(r.Status)),
        new("CREATED", r => Show.Time(r.CreatedAt)),
        new("DURATION", r => Show.Duration(r.StartedAt, r.FinishedAt)),
        new("TRIGGERED BY", r => r.TriggeredBy),
        new("ERROR", r => Show.Cut(r.Error, 60)),
    ];

    internal static readonly Column<KeyValuePair<string, NodeSnapshot>>[] NodeColumns =
    [
        new("NODE", n => n.Key),
        new("STATUS", n => Show.Name(n.Value.Status)),
        new("ATTEMPTS", n => n.Value.Attempts.ToString(CultureInfo.InvariantCulture)),
        new("ITEMS", n => RunProgress.Items(n.Value)),
        new("STARTED", n => Show.Time(n.Value.StartedAt)),
        new("DURATION", n => Show.Duration(n.Value.StartedAt, n.Value.FinishedAt ?? (n.Value.Status.IsFinished() ? n.Value.StartedAt : null))),
        new("ERROR", n => Show.Cut(n.Value.Error, 60)),
    ];
}
