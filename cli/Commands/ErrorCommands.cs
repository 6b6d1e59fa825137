using System.CommandLine;
using System.Globalization;
using Orchestrator.Errors;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator error list|show|retry|resolve|ignore|escalate</c>.</summary>
internal static class ErrorCommands
{
    public static Command Create(CliApp app)
    {
        var id = new Argument<string>("id") { Description = "The error record's id" };
        var status = new Option<string?>("--status") { Description = "Only records in this recovery status (unresolved, retry_scheduled, retrying, resolved, ignored, escalated, …)" };
        var workflow = new Option<string?>("--workflow") { Description = "Only records of this workflow" };
        var (limit, cursor) = WorkflowCommands.Paging();
        var group = CliApp.Group(
            "error",
            "Error records of failed nodes: list, inspect, and retry, resolve, ignore or escalate them.",
            app.Command(
                "list",
                "Error records, newest first.",
                "orchestrator error list --status unresolved",
                async cli =>
                {
                    var page = await cli.Client.ListErrorsAsync(
                        CliInput.Enum<ErrorRecoveryStatus>("--status", cli.Maybe(status)), cli.Maybe(workflow), cli.Maybe(limit), cli.Maybe(cursor), cli.Cancellation);
                    cli.Output.List(page, page.Items, page.Cursor, "error records", Columns);
                    return ExitCodes.Success;
                },
                status,
                workflow,
                limit,
                cursor),
            app.Command(
                "show",
                "An error record with its history.",
                "orchestrator error show 0193a5c2e4b07c1d.analyze.1",
                async cli =>
                {
                    ShowError(cli, await cli.Client.GetErrorAsync(cli.Get(id), cli.Cancellation));
                    return ExitCodes.Success;
                },
                id));
        foreach (var (verb, what) in new[]
        {
            ("retry", "Runs the failed node again."),
            ("resolve", "Marks the record resolved (fixed by hand)."),
            ("ignore", "Marks the record ignored."),
            ("escalate", "Escalates the record to a person."),
        })
        {
            var reason = new Option<string?>("--reason") { Description = "Why (kept in the record's history)" };
            group.Add(app.Command(
                verb,
                what,
                $"orchestrator error {verb} 0193a5c2e4b07c1d.analyze.1 --reason 'upstream fixed'",
                async cli =>
                {
                    var record = await cli.Client.ActOnErrorAsync(cli.Get(id), verb, cli.Maybe(reason), cli.Cancellation);
                    cli.Output.Item(record, view => view.Field("error", record.Id).Field("status", Show.Name(record.RecoveryStatus)));
                    return ExitCodes.Success;
                },
                id,
                reason));
        }

        return group;
    }

    private static void ShowError(CliContext cli, ErrorRecordSnapshot record) =>
        cli.Output.Item(record, view => view
            .Field("error", record.Id)
            .Field("run", record.RunId)
            .Field("workflow", record.Workflow)
            .Field("node", record.Node)
            .Field("loop", record.Loop)
            .Field("iteration", record.Iteration.ToString(CultureInfo.InvariantCulture))
            .Field("attempts", record.Attempts.ToString(CultureInfo.InvariantCulture))
            .Field("status", Show.Name(record.RecoveryStatus))
            .Field("recovery", $"{record.RecoveryAttempts} of {record.MaxRecoveryAttempts} attempts")
            .Field("next retry", Show.Time(record.NextRetryAt))
            .Field("created", Show.Time(record.CreatedAt))
            .Field("updated", Show.Time(record.UpdatedAt))
            .Field("resolved", Show.Time(record.ResolvedAt))
            .Field("message", record.Error)
            .Field("input", Show.Json(record.Input, 120))
            .Table("history", record.History, HistoryColumns));

    private static readonly Column<ErrorRecordSummary>[] Columns =
    [
        new("ERROR", e => e.Id),
        new("WORKFLOW", e => e.Workflow),
        new("NODE", e => e.Node),
        new("STATUS", e => Show.Name(e.RecoveryStatus)),
        new("CREATED", e => Show.Time(e.CreatedAt)),
        new("MESSAGE", e => Show.Cut(e.Error, 60)),
    ];

    private static readonly Column<ErrorAction>[] HistoryColumns =
    [
        new("AT", a => Show.Time(a.At)),
        new("ACTION", a => a.Action),
        new("BY", a => a.By),
        new("REASON", a => Show.Cut(a.Reason, 60)),
    ];
}
