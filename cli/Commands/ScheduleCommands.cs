using System.CommandLine;
using Orchestrator.Schedules;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator schedule create|list|show|enable|disable|trigger|delete|preview</c>.</summary>
internal static class ScheduleCommands
{
    public static Command Create(CliApp app)
    {
        var id = new Argument<string>("id") { Description = "The schedule's id" };
        var file = new Option<string>("--file", "-f")
        {
            Description = "The schedule: a YAML or JSON file with {name, workflow, cron | every | at, input?, timeZone?, misfire?, overlap?, …} (- for standard input)",
            Required = true,
        };
        var workflow = new Option<string?>("--workflow") { Description = "Only schedules of this workflow" };
        var enabled = new Option<bool?>("--enabled") { Description = "Only enabled (true) or disabled (false) schedules" };
        var (limit, cursor) = WorkflowCommands.Paging();
        var count = new Option<int?>("--count") { Description = "How many fire times (default 10, at most 100)" };

        return CliApp.Group(
            "schedule",
            "Schedules that start runs: create, list, inspect, enable, disable, trigger, delete, preview.",
            app.Command(
                "create",
                "Creates a schedule from a YAML or JSON file.",
                "orchestrator schedule create -f nightly.yaml",
                async cli =>
                {
                    var definition = YamlJson.ReadObject("--file", CliInput.ReadFile("--file", cli.Get(file)));
                    ShowSchedule(cli, await cli.Client.CreateScheduleAsync(definition, cli.Cancellation), []);
                    return ExitCodes.Success;
                },
                file),
            app.Command(
                "list",
                "Schedules, newest first, with their next and last fire.",
                "orchestrator schedule list --workflow nightly-report --enabled true",
                async cli =>
                {
                    var page = await cli.Client.ListSchedulesAsync(cli.Maybe(workflow), cli.Maybe(enabled), cli.Maybe(limit), cli.Maybe(cursor), cli.Cancellation);
                    cli.Output.List(page, page.Items, page.Cursor, "schedules", Columns);
                    return ExitCodes.Success;
                },
                workflow,
                enabled,
                limit,
                cursor),
            app.Command(
                "show",
                "A schedule with its next and last fire and its latest executions (in tables; -o json gives the schedule alone).",
                "orchestrator schedule show 0193a5c2-nightly",
                async cli =>
                {
                    var schedule = await cli.Client.GetScheduleAsync(cli.Get(id), cli.Cancellation);
                    var executions = cli.Output.Format == OutputFormat.Table
                        ? await cli.Client.GetScheduleExecutionsAsync(schedule.Id, 10, cli.Cancellation)
                        : [];
                    ShowSchedule(cli, schedule, executions);
                    return ExitCodes.Success;
                },
                id),
            app.Command(
                "enable",
                "Enables a schedule; it next fires at its first occurrence after now.",
                "orchestrator schedule enable 0193a5c2-nightly",
                async cli => Acted(cli, await cli.Client.EnableScheduleAsync(cli.Get(id), cli.Cancellation)),
                id),
            app.Command(
                "disable",
                "Disables a schedule.",
                "orchestrator schedule disable 0193a5c2-nightly",
                async cli => Acted(cli, await cli.Client.DisableScheduleAsync(cli.Get(id), cli.Cancellation)),
                id),
            app.Command(
                "trigger",
                "Starts a run of the schedule now, whatever its overlap policy.",
                "orchestrator schedule trigger 0193a5c2-nightly",
                async cli =>
                {
                    var execution = await cli.Client.TriggerScheduleAsync(cli.Get(id), cli.Cancellation);
                    cli.Output.Item(execution, view => view
                        .Field("outcome", Show.Name(execution.Outcome))
                        .Field("run", execution.RunId)
                        .Field("fired", Show.Time(execution.FiredAt))
                        .Field("reason", execution.Reason));
                    return execution.Outcome == ScheduleOutcome.Failed ? ExitCodes.Failed : ExitCodes.Success;
                },
                id),
            app.Command(
                "delete",
                "Deletes a schedule; the runs it started stay.",
                "orchestrator schedule delete 0193a5c2-nightly",
                async cli =>
                {
                    var schedule = cli.Get(id);
                    await cli.Client.DeleteScheduleAsync(schedule, cli.Cancellation);
                    cli.Output.Item(new { id = schedule, deleted = true }, view => view.Field("schedule", schedule).Field("deleted", "yes"));
                    return ExitCodes.Success;
                },
                id),
            app.Command(
                "preview",
                "The schedule's next fire times.",
                "orchestrator schedule preview 0193a5c2-nightly --count 5",
                async cli =>
                {
                    var times = await cli.Client.PreviewScheduleAsync(cli.Get(id), cli.Maybe(count), cli.Cancellation);
                    cli.Output.List(times, times, null, "fire times", [new Column<DateTimeOffset>("FIRES AT", t => Show.Time(t))]);
                    return ExitCodes.Success;
                },
                id,
                count));
    }

    private static void ShowSchedule(CliContext cli, ScheduleSnapshot schedule, IReadOnlyList<ScheduleExecution> executions) =>
        cli.Output.Item(schedule, view => view
            .Field("schedule", schedule.Id)
            .Field("name", schedule.Name)
            .Field("workflow", schedule.Version is { } version ? $"{schedule.Workflow} v{version}" : schedule.Workflow)
            .Field("when", schedule.Cron is { } cron ? $"cron {cron}" : schedule.Every is { } every ? $"every {every}" : Show.Time(schedule.At))
            .Field("time zone", schedule.TimeZone)
            .Field("enabled", schedule.Enabled ? "yes" : "no")
            .Field("misfire", schedule.Misfire)
            .Field("overlap", schedule.Overlap)
            .Field("next fire", Show.Time(schedule.NextFireAt))
            .Field("last fire", Show.Time(schedule.LastFireAt))
            .Field("last outcome", Show.Name(schedule.LastOutcome))
            .Field("last run", schedule.LastRunId)
            .Field("input", Show.Json(schedule.Input, 120))
            .Table("executions", executions, ExecutionColumns));

    private static int Acted(CliContext cli, ScheduleSnapshot schedule)
    {
        cli.Output.Item(schedule, view => view
            .Field("schedule", schedule.Id)
            .Field("enabled", schedule.Enabled ? "yes" : "no")
            .Field("next fire", Show.Time(schedule.NextFireAt)));
        return ExitCodes.Success;
    }

    private static readonly Column<ScheduleSummary>[] Columns =
    [
        new("SCHEDULE", s => s.Id),
        new("NAME", s => s.Name),
        new("WORKFLOW", s => s.Workflow),
        new("KIND", s => s.Kind),
        new("ENABLED", s => s.Enabled ? "yes" : "no"),
        new("NEXT FIRE", s => Show.Time(s.NextFireAt)),
        new("LAST FIRE", s => Show.Time(s.LastFireAt)),
        new("LAST OUTCOME", s => Show.Name(s.LastOutcome)),
    ];

    private static readonly Column<ScheduleExecution>[] ExecutionColumns =
    [
        new("SCHEDULED FOR", e => Show.Time(e.ScheduledFor)),
        new("FIRED", e => Show.Time(e.FiredAt)),
        new("OUTCOME", e => Show.Name(e.Outcome)),
        new("RUN", e => e.RunId),
        new("REASON", e => Show.Cut(e.Reason, 60)),
    ];
}
