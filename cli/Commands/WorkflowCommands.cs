using System.CommandLine;
using Orchestrator.Client.Rest;
using Orchestrator.Workflows;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator workflow apply|validate|list|show|retire</c>.</summary>
internal static class WorkflowCommands
{
    public static Command Create(CliApp app)
    {
        var applyFile = FileOption();
        var validateFile = FileOption();
        var name = new Argument<string>("name") { Description = "The workflow's name" };
        var version = new Option<int?>("--version") { Description = "A version number (default: the latest)" };
        var includeRetired = new Option<bool>("--include-retired") { Description = "List retired workflows too" };
        var (limit, cursor) = Paging();

        return CliApp.Group(
            "workflow",
            "Store, check, list, read and retire workflow definitions.",
            app.Command(
                "apply",
                "Stores a definition (YAML or JSON) as a new version; the same content again is 'unchanged'.",
                "orchestrator workflow apply -f samples/dag-fanout.yaml",
                async cli =>
                {
                    var stored = await cli.Client.PutWorkflowAsync(CliInput.ReadFile("--file", cli.Get(applyFile)), cli.Cancellation);
                    cli.Output.Item(stored, view => view
                        .Field("name", stored.Name)
                        .Field("version", stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
                        .Field("result", stored.Created ? "created" : "unchanged"));
                    return ExitCodes.Success;
                },
                applyFile),
            app.Command(
                "validate",
                "Checks a definition on the server as storing it would, and stores nothing; every problem is printed with its path (exit 2).",
                "orchestrator workflow validate -f my-workflow.yaml",
                async cli =>
                {
                    var checkedDefinition = await cli.Client.ValidateWorkflowAsync(CliInput.ReadFile("--file", cli.Get(validateFile)), cli.Cancellation);
                    cli.Output.Item(checkedDefinition, view => view.Field("name", checkedDefinition.Name).Field("valid", "yes"));
                    return ExitCodes.Success;
                },
                validateFile),
            app.Command(
                "list",
                "Workflows, most recently changed first.",
                "orchestrator workflow list -o json",
                async cli =>
                {
                    var page = await cli.Client.ListWorkflowsAsync(cli.Get(includeRetired), cli.Maybe(limit), cli.Maybe(cursor), cli.Cancellation);
                    cli.Output.List(page, page.Items, page.Cursor, "workflows", Columns);
                    return ExitCodes.Success;
                },
                includeRetired,
                limit,
                cursor),
            app.Command(
                "show",
                "A version of a workflow with its definition.",
                "orchestrator workflow show dag-fanout --version 2",
                async cli =>
                {
                    var workflow = await cli.Client.GetWorkflowAsync(cli.Get(name), cli.Maybe(version), cli.Cancellation);
                    cli.Output.Item(workflow, view => view
                        .Field("name", workflow.Name)
                        .Field("version", $"{workflow.Version} of {workflow.LatestVersion}")
                        .Field("retired", workflow.Retired ? "yes" : null)
                        .Block("definition", workflow.Definition.ToJsonString(Output.Indented)));
                    return ExitCodes.Success;
                },
                name,
                version),
            app.Command(
                "retire",
                "Retires a workflow: no new runs start; its versions and runs stay readable.",
                "orchestrator workflow retire old-pipeline",
                async cli =>
                {
                    var workflow = cli.Get(name);
                    await cli.Client.RetireWorkflowAsync(workflow, cli.Cancellation);
                    cli.Output.Item(new { name = workflow, retired = true }, view => view.Field("name", workflow).Field("retired", "yes"));
                    return ExitCodes.Success;
                },
                name));
    }

    private static readonly Column<WorkflowInfo>[] Columns =
    [
        new("NAME", w => w.Name),
        new("LATEST", w => w.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("VERSIONS", w => w.Versions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("RETIRED", w => w.Retired ? "yes" : ""),
        new("UPDATED", w => Show.Time(w.UpdatedAt)),
    ];

    private static Option<string> FileOption() => new("--file", "-f")
    {
        Description = "The definition: a YAML or JSON file (- for standard input)",
        Required = true,
    };

    /// <summary>The <c>--limit</c> and <c>--cursor</c> options of a paged listing.</summary>
    internal static (Option<int?> Limit, Option<string?> Cursor) Paging()
    {
        var limit = new Option<int?>("--limit") { Description = "At most this many (the server's page size by default)" };
        var cursor = new Option<string?>("--cursor") { Description = "The next page: the cursor a previous listing gave" };
        return (limit, cursor);
    }
}
