using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests.Streams;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Cli;

/// <summary>The <c>orchestrator</c> tool against a silo on a real port, through its entry point: every command's table
/// and JSON output, its exit codes, and the live and followed views of a run.</summary>
public sealed class CliTests(KestrelSilo silo) : IClassFixture<KestrelSilo>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orchestrator-cli-").FullName;

    private Task<CliRun> Cli(params string[] args) => CliRun.RunAsync(silo.BaseAddress, args);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<string> ApplyAsync(string yaml)
    {
        var name = yaml.Split('\n')[0]["name: ".Length..].Trim();
        var applied = await Cli("workflow", "apply", "-f", WriteFile($"{name}.yaml", yaml));
        Assert.True(applied.ExitCode == 0, applied.ToString());
        return name;
    }

    private static string Quick(string name) => $$"""
        name: {{name}}
        nodes:
          double: { type: set, values: { doubled: "input.n * 2" } }
          items:  { type: set, forEach: "[1, 2, 3]", merge: false, values: { v: "item" }, dependsOn: [double] }
        """;

    private static string Broken(string name) => $$"""
        name: {{name}}
        nodes:
          call: { type: fail, message: "service down", retry: { maxAttempts: 1 } }
        """;

    private static string Slow(string name) => $$"""
        name: {{name}}
        nodes:
          wait: { type: delay, duration: 10m }
        """;

    private static string Paced(string name) => $$"""
        name: {{name}}
        nodes:
          first:  { type: delay, duration: 150ms }
          second: { type: delay, duration: 150ms, dependsOn: [first] }
          third:  { type: set, values: { done: "true" }, dependsOn: [second] }
        """;

    [Fact]
    public async Task WorkflowApply_PrintsCreated_ThenUnchanged_AndListAndShowFindIt()
    {
        var name = UniqueName("cli-apply");
        var file = WriteFile("apply.yaml", Quick(name));

        var first = await Cli("workflow", "apply", "-f", file);
        var again = await Cli("workflow", "apply", "-f", file, "-o", "json");
        var list = await Cli("workflow", "list");
        var listJson = await Cli("-o", "json", "workflow", "list");
        var show = await Cli("workflow", "show", name);
        var showJson = await Cli("workflow", "show", name, "--version", "1", "-o", "json");

        Assert.Equal((0, name, "1", "created"), (first.ExitCode, first.Fields["name"], first.Fields["version"], first.Fields["result"]));
        Assert.Equal((0, name, 1, false), (again.ExitCode, again.Json["name"]!.GetValue<string>(), again.Json["version"]!.GetValue<int>(), again.Json["created"]!.GetValue<bool>()));
        var row = Assert.Single(list.Table, r => r["NAME"] == name);
        Assert.Equal(("1", "1"), (row["LATEST"], row["VERSIONS"]));
        Assert.Contains(listJson.Json["items"]!.AsArray(), w => w!["name"]!.GetValue<string>() == name);
        Assert.Equal("1 of 1", show.Fields["version"]);
        Assert.Contains("\"forEach\"", show.Out, StringComparison.Ordinal);
        Assert.Equal("set", showJson.Json["definition"]!["nodes"]!["double"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task WorkflowValidate_PrintsEveryProblemWithItsPath_ExitsTwo_AndStoresNothing()
    {
        var name = UniqueName("cli-invalid");
        var file = WriteFile("invalid.yaml", $$"""
            name: {{name}}
            nodes:
              a: { type: set, values: { x: "1" }, dependsOn: [missing] }
              b: { type: nope }
            """);

        var invalid = await Cli("workflow", "validate", "-f", file);
        var valid = await Cli("workflow", "validate", "-f", WriteFile("valid.yaml", Quick(name)), "-o", "json");
        var stored = await Cli("workflow", "show", name);

        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("422", invalid.Error, StringComparison.Ordinal);
        Assert.Contains("  nodes.a.dependsOn[0]: ", invalid.Error, StringComparison.Ordinal);
        Assert.Contains("  nodes.b.type: ", invalid.Error, StringComparison.Ordinal);
        Assert.Equal("", invalid.Out);
        Assert.Equal((0, true, name), (valid.ExitCode, valid.Json["valid"]!.GetValue<bool>(), valid.Json["name"]!.GetValue<string>()));
        Assert.Equal(1, stored.ExitCode);
        Assert.Contains("404", stored.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunStartWait_ExitsZeroForAPassingRun_AndPrintsTheRunAsTheApiGivesIt()
    {
        var name = await ApplyAsync(Quick(UniqueName("cli-wait")));

        var run = await Cli("run", "start", name, "--input", """{"n": 21}""", "--wait", "-o", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var runId = run.Json["runId"]!.GetValue<string>();
        using var http = silo.CreateClient();
        var api = await http.GetFromJsonAsync<JsonNode>($"api/runs/{runId}");
        Assert.True(JsonNode.DeepEquals(api, run.Json), $"CLI:\n{run.Out}\nAPI:\n{api}");
        Assert.Equal(("completed", 42), (run.Json["status"]!.GetValue<string>(), run.Json["state"]!["doubled"]!.GetValue<int>()));
    }

    [Fact]
    public async Task RunStartWait_ExitsOne_WhenTheRunFails()
    {
        var name = await ApplyAsync(Broken(UniqueName("cli-fail")));

        var run = await Cli("run", "start", name, "--wait");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("failed", run.Fields["status"]);
        Assert.Contains("service down", run.Fields["error"], StringComparison.Ordinal);
        Assert.Equal("failed", Assert.Single(run.Section("nodes"))["STATUS"]);
    }

    [Fact]
    public async Task RunStart_WithoutWaiting_PrintsTheRunId_AndRunListAndShowFindIt()
    {
        var name = await ApplyAsync(Quick(UniqueName("cli-list")));

        var started = await Cli("run", "start", name, "--input", "@" + WriteFile("input.json", """{"n": 1}"""), "--idempotency-key", $"{name}-key", "-o", "json");
        var runId = started.Json["runId"]!.GetValue<string>();
        await Cli("run", "events", runId, "--follow", "-o", "jsonl");
        var list = await Cli("run", "list", "--workflow", name, "--status", "completed");
        var listJson = await Cli("run", "list", "--workflow", name, "-o", "jsonl", "--limit", "5");
        var show = await Cli("run", "show", runId);

        Assert.Equal(0, started.ExitCode);
        var row = Assert.Single(list.Table);
        Assert.Equal((runId, name, "completed", "cli"), (row["RUN"], row["WORKFLOW"], row["STATUS"], row["TRIGGERED BY"]));
        Assert.Equal(runId, Assert.Single(listJson.JsonLines)["runId"]!.GetValue<string>());
        Assert.Equal(("completed", $"{name}-key"), (show.Fields["status"], show.Fields["idempotency key"]));
        var nodes = show.Section("nodes");
        Assert.Equal(["double", "items"], nodes.Select(n => n["NODE"]).Order(StringComparer.Ordinal));
        Assert.Equal("3 completed", Assert.Single(nodes, n => n["NODE"] == "items")["ITEMS"]);
    }

    [Fact]
    public async Task RunActions_PauseResumeSignalAndCancel_ChangeTheRun()
    {
        var name = await ApplyAsync(Slow(UniqueName("cli-act")));
        var runId = (await Cli("run", "start", name, "-o", "json")).Json["runId"]!.GetValue<string>();

        var paused = await Cli("run", "pause", runId);
        var resumed = await Cli("run", "resume", runId, "-o", "json");
        var signalled = await Cli("run", "signal", runId, "approval", "--data", """{"ok": true}""", "-o", "json");
        var cancelled = await Cli("run", "cancel", runId, "--reason", "not needed");
        var waited = await Cli("run", "start", name, "--idempotency-key", "never-mind", "--wait", "--watch");

        Assert.Equal((0, "paused"), (paused.ExitCode, paused.Fields["status"]));
        Assert.Equal("running", resumed.Json["status"]!.GetValue<string>());
        Assert.True(signalled.Json["state"]!["approval"]!["ok"]!.GetValue<bool>());
        Assert.Equal((0, "cancelled"), (cancelled.ExitCode, cancelled.Fields["status"]));
        Assert.Equal(2, waited.ExitCode);
        Assert.Contains("--wait and --watch", waited.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunEventsFollow_Jsonl_YieldsTheRunsEventsInOrder_AndStopsAtTheEnd()
    {
        var name = await ApplyAsync(Paced(UniqueName("cli-follow")));
        var runId = (await Cli("run", "start", name, "-o", "json")).Json["runId"]!.GetValue<string>();

        var followed = await Cli("run", "events", runId, "--follow", "-o", "jsonl");
        var logged = await Cli("run", "events", runId, "-o", "json");
        var after = await Cli("run", "events", runId, "--after", "3");

        Assert.True(followed.ExitCode == 0, followed.ToString());
        var events = followed.JsonLines;
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e["seq"]!.GetValue<long>()));
        Assert.Equal("run.created", events[0]["type"]!.GetValue<string>());
        Assert.Equal("run.completed", events[^1]["type"]!.GetValue<string>());
        Assert.Equal(events.Select(e => e.ToJsonString()), logged.Json.AsArray().Select(e => e!.ToJsonString()));
        Assert.Equal(events.Count - 3, after.Lines.Count);
        Assert.Contains("run.completed", after.Lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunStartWatch_Redirected_WritesOnePlainLinePerEvent_AndEndsCompleted()
    {
        var name = await ApplyAsync(Paced(UniqueName("cli-watch")));

        var watched = await Cli("run", "start", name, "--watch");

        Assert.True(watched.ExitCode == 0, watched.ToString());
        Assert.DoesNotContain('\u001b', watched.Out);
        Assert.Contains("run.created", watched.Lines[0], StringComparison.Ordinal);
        Assert.Contains("run.completed", watched.Lines[^1], StringComparison.Ordinal);
        Assert.Equal(3, watched.Lines.Count(l => l.Contains("node.completed", StringComparison.Ordinal)));
        Assert.Contains(watched.Lines, l => l.Contains("node.started", StringComparison.Ordinal) && l.Contains("second attempt 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunStartWatch_OnATerminal_DrawsEveryNodeCompleted_AndExitsOneForAFailedRun()
    {
        var passing = await ApplyAsync(Quick(UniqueName("cli-live")));
        var failing = await ApplyAsync(Broken(UniqueName("cli-live-fail")));

        var (passed, screen) = await TerminalAsync("run", "start", passing, "--input", """{"n": 2}""", "--watch");
        var (failed, failedScreen) = await TerminalAsync("run", "start", failing, "--watch");

        Assert.Equal(0, passed);
        Assert.Matches(@"double\s+completed\s+1", screen);
        Assert.Matches(@"items\s+completed\s+3\s+3 completed", screen);
        Assert.Contains("4/4", screen, StringComparison.Ordinal);
        Assert.Contains("run.completed", screen, StringComparison.Ordinal);
        Assert.Equal(1, failed);
        Assert.Matches(@"call\s+failed", failedScreen);
        Assert.Contains("service down", failedScreen, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Screen)> TerminalAsync(params string[] args)
    {
        using var terminal = new Spectre.Console.Testing.TestConsole();
        terminal.Profile.Width = 160;
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var console = new Orchestrator.Cli.CliConsole
        {
            Terminal = terminal,
            Out = output,
            Error = error,
            IsTerminal = true,
            Environment = name => name == "ORCHESTRATOR_URL" ? silo.BaseAddress.ToString() : null,
        };
        var code = await Orchestrator.Cli.CliApp.RunAsync(args, console, timeout.Token);
        return (code, terminal.Output);
    }

    [Fact]
    public async Task ErrorCommands_ListShowAndActOnTheRecordOfAFailedRun()
    {
        var name = await ApplyAsync(Broken(UniqueName("cli-errors")));
        var runId = (await Cli("run", "start", name, "--wait", "-o", "json")).Json["runId"]!.GetValue<string>();
        var errorId = $"{runId}.call.1";

        var list = await Cli("error", "list", "--workflow", name, "--status", "unresolved");
        var show = await Cli("error", "show", errorId);
        var escalated = await Cli("error", "escalate", errorId, "--reason", "needs a person", "-o", "json");
        var ignored = await Cli("error", "ignore", errorId, "--reason", "known outage");
        var history = await Cli("error", "show", errorId);
        var badStatus = await Cli("error", "list", "--status", "sideways");

        var row = Assert.Single(list.Table);
        Assert.Equal((errorId, "call", "unresolved"), (row["ERROR"], row["NODE"], row["STATUS"]));
        Assert.Equal((runId, "service down"), (show.Fields["run"], show.Fields["message"]));
        Assert.Equal("escalated", escalated.Json["recoveryStatus"]!.GetValue<string>());
        Assert.Equal("ignored", ignored.Fields["status"]);
        var actions = history.Section("history");
        Assert.Contains(actions, a => a["ACTION"] == "escalate" && a["REASON"] == "needs a person" && a["BY"] == "cli");
        Assert.Contains(actions, a => a["ACTION"] == "ignore" && a["REASON"] == "known outage");
        Assert.Equal(2, badStatus.ExitCode);
        Assert.Contains("--status", badStatus.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorRetry_RunsTheNodeAgain()
    {
        var name = await ApplyAsync($$"""
            name: {{UniqueName("cli-retry")}}
            nodes:
              call: { type: fail, times: 1, message: "service down", retry: { maxAttempts: 1 } }
            """);
        var runId = (await Cli("run", "start", name, "--wait", "-o", "json")).Json["runId"]!.GetValue<string>();

        var retried = await Cli("error", "retry", $"{runId}.call.1", "-o", "json");
        await Cli("run", "events", runId, "--follow", "--after", "5", "-o", "jsonl");
        var run = await Cli("run", "show", runId, "-o", "json");

        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal("completed", run.Json["nodes"]!["call"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ScheduleCommands_CreateListShowDisableEnableTriggerPreviewAndDelete()
    {
        var workflow = await ApplyAsync(Quick(UniqueName("cli-sched")));
        var file = WriteFile("schedule.yaml", $$"""
            name: nightly {{workflow}}
            workflow: {{workflow}}
            cron: "0 3 * * *"
            timeZone: UTC
            input: { n: 5 }
            """);

        var created = await Cli("schedule", "create", "-f", file, "-o", "json");
        var id = created.Json["id"]!.GetValue<string>();
        var list = await Cli("schedule", "list", "--workflow", workflow);
        var disabled = await Cli("schedule", "disable", id);
        var listDisabled = await Cli("schedule", "list", "--workflow", workflow, "--enabled", "false", "-o", "json");
        var enabled = await Cli("schedule", "enable", id, "-o", "json");
        var triggered = await Cli("schedule", "trigger", id, "-o", "json");
        var preview = await Cli("schedule", "preview", id, "--count", "3", "-o", "json");
        var previewTable = await Cli("schedule", "preview", id, "--count", "2");
        var show = await Cli("schedule", "show", id);
        var deleted = await Cli("schedule", "delete", id);
        var gone = await Cli("schedule", "show", id);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(("cron", 5), (created.Json["kind"]!.GetValue<string>(), created.Json["input"]!["n"]!.GetValue<int>()));
        var row = Assert.Single(list.Table);
        Assert.Equal((id, "yes", "cron"), (row["SCHEDULE"], row["ENABLED"], row["KIND"]));
        Assert.Equal("no", disabled.Fields["enabled"]);
        Assert.Equal(id, Assert.Single(listDisabled.Json["items"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.True(enabled.Json["enabled"]!.GetValue<bool>());
        Assert.Equal("started", triggered.Json["outcome"]!.GetValue<string>());
        var times = preview.Json.AsArray().Select(t => t!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(3, times.Count);
        Assert.All(times, t => Assert.Equal(new TimeSpan(3, 0, 0), t.UtcDateTime.TimeOfDay));
        Assert.Equal(2, previewTable.Table.Count);
        Assert.Equal("cron 0 3 * * *", show.Fields["when"]);
        Assert.Equal(triggered.Json["runId"]!.GetValue<string>(), Assert.Single(show.Section("executions"))["RUN"]);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal(1, gone.ExitCode);
    }

    [Fact]
    public async Task ScheduleCreate_RefusedInput_PrintsTheFieldAndExitsTwo()
    {
        var refused = await Cli("schedule", "create", "-f", WriteFile("bad-schedule.yaml", "workflow: w\ncron: \"61 * * * *\"\n"));
        var notAnObject = await Cli("schedule", "create", "-f", WriteFile("list.yaml", "- a\n- b\n"));

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("cron", refused.Error, StringComparison.Ordinal);
        Assert.Equal(2, notAnObject.ExitCode);
        Assert.Contains("--file", notAnObject.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopAndQueueCommands_ShowAPipeline_AndPauseResumeStopIt()
    {
        var queue = UniqueName("cli-q");
        var name = await ApplyAsync($$"""
            name: {{UniqueName("cli-loop")}}
            loops:
              produce:
                pool: async
                producer: { type: interval, every: 20ms }
                chain:
                  - { node: push, mode: blocking }
              consume:
                pool: async
                producer: { type: queue, queue: {{queue}} }
                chain:
                  - { node: note, mode: blocking }
            nodes:
              push: { type: queue.push, queue: {{queue}}, value: "${iteration}" }
              note: { type: log, message: "got one" }
            """);
        var runId = (await Cli("run", "start", name, "-o", "json")).Json["runId"]!.GetValue<string>();
        var loopId = $"{runId}:consume";
        await WaitForAsync(async () => (await Cli("loop", "show", loopId, "-o", "json")) is { ExitCode: 0 } shown && shown.Json["completed"]!.GetValue<long>() >= 3);

        var loops = await Cli("loop", "list", "--run", runId);
        var show = await Cli("loop", "show", loopId);
        var logs = await Cli("loop", "logs", loopId, "--limit", "5", "-o", "jsonl");
        var queues = await Cli("queue", "list");
        var queueShow = await Cli("queue", "show", queue);
        var deadLetters = await Cli("queue", "dead-letters", queue, "-o", "json");
        var paused = await Cli("loop", "pause", $"{runId}:produce", "--reason", "maintenance");
        var resumed = await Cli("loop", "resume", $"{runId}:produce", "-o", "json");
        var stopped = await Cli("loop", "stop", $"{runId}:produce");
        var stoppedConsumer = await Cli("loop", "stop", loopId);
        var followed = await Cli("loop", "logs", loopId, "--follow", "--after", "0");

        Assert.Equal([$"{runId}:consume", $"{runId}:produce"], loops.Table.Select(r => r["LOOP"]).Order(StringComparer.Ordinal));
        Assert.Equal(queue, show.Fields["queue"]);
        Assert.Equal("note", Assert.Single(show.Section("nodes"))["NODE"]);
        Assert.InRange(logs.JsonLines.Count, 1, 5);
        Assert.All(logs.JsonLines, l => Assert.True(l["seq"]!.GetValue<long>() > 0));
        var queueRow = Assert.Single(queues.Table, r => r["QUEUE"] == queue);
        Assert.Equal("1", queueRow["CONSUMERS"]);
        Assert.True(long.Parse(queueShow.Fields["produced"], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture) >= 3);
        Assert.Single(queueShow.Section("consumers"));
        Assert.Empty(deadLetters.Json["items"]!.AsArray());
        Assert.Equal(("paused", "running", "stopped", "stopped"), (paused.Fields["state"], resumed.Json["state"]!.GetValue<string>(), stopped.Fields["state"], stoppedConsumer.Fields["state"]));
        Assert.True(followed.ExitCode == 0, followed.ToString());
        Assert.Contains(followed.Lines, l => l.Contains("note#", StringComparison.Ordinal) && l.Contains("got one", StringComparison.Ordinal));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    [Fact]
    public async Task ClusterAndHealth_DescribeTheSilo()
    {
        var silos = await Cli("cluster", "silos");
        var silosJson = await Cli("cluster", "silos", "-o", "json");
        var grains = await Cli("cluster", "grains", "-o", "json");
        var health = await Cli("health");
        var healthJson = await Cli("health", "-o", "json");

        Assert.Equal("running", Assert.Single(silos.Table)["STATUS"]);
        Assert.Single(silosJson.Json["items"]!.AsArray());
        Assert.True(grains.Json["activations"]!.GetValue<int>() > 0);
        Assert.Equal((0, "healthy"), (health.ExitCode, health.Fields["status"]));
        Assert.Equal("healthy", healthJson.Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExitCodes_NotFoundIsOne_BadUsageIsTwo_UnreachableIsThree()
    {
        var notFound = await Cli("run", "show", "no-such-run");
        var unknownCommand = await Cli("run", "frobnicate");
        var badOutput = await Cli("health", "-o", "yaml");
        var badInput = await Cli("run", "start", "anything", "--input", "{not json");
        var missingFile = await Cli("workflow", "apply", "-f", Path.Combine(_folder, "missing.yaml"));
        var badServer = await Cli("health", "--server", "ftp://example");
        var unreachable = await CliRun.RunAsync(new Uri($"http://127.0.0.1:{SiloProcess.FreePort()}/"), "run", "list");
        var serverOption = await CliRun.RunAsync(new Uri($"http://127.0.0.1:{SiloProcess.FreePort()}/"), "--server", silo.BaseAddress.ToString(), "health");

        Assert.Equal(1, notFound.ExitCode);
        Assert.Contains("404", notFound.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknownCommand.ExitCode);
        Assert.Equal(2, badOutput.ExitCode);
        Assert.Equal(2, badInput.ExitCode);
        Assert.Contains("--input", badInput.Error, StringComparison.Ordinal);
        Assert.Equal(2, missingFile.ExitCode);
        Assert.Equal(2, badServer.ExitCode);
        Assert.Equal(3, unreachable.ExitCode);
        Assert.Contains("did not answer", unreachable.Error, StringComparison.Ordinal);
        Assert.Equal("", unreachable.Out);
        Assert.Equal(0, serverOption.ExitCode);
    }

    [Fact]
    public async Task Help_OnEveryCommand_ShowsAnExample()
    {
        foreach (var command in new[]
        {
            "workflow apply", "workflow list", "workflow show", "workflow retire", "workflow validate",
            "run start", "run list", "run show", "run events", "run cancel", "run pause", "run resume", "run signal",
            "loop list", "loop show", "loop pause", "loop resume", "loop stop", "loop logs",
            "queue list", "queue show", "queue dead-letters",
            "schedule create", "schedule list", "schedule show", "schedule enable", "schedule disable", "schedule trigger", "schedule delete", "schedule preview",
            "error list", "error show", "error retry", "error resolve", "error ignore", "error escalate",
            "cluster silos", "cluster grains", "health",
        })
        {
            var help = await Cli([.. command.Split(' '), "--help"]);

            Assert.True(help.ExitCode == 0, $"{command}: {help}");
            Assert.Contains($"orchestrator {command}", help.Out, StringComparison.Ordinal);
            Assert.Contains("Example:", help.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WorkflowRetire_StopsNewRuns()
    {
        var name = await ApplyAsync(Quick(UniqueName("cli-retire")));

        var retired = await Cli("workflow", "retire", name, "-o", "json");
        var start = await Cli("run", "start", name);
        var listed = await Cli("workflow", "list", "--include-retired", "-o", "jsonl");

        Assert.True(retired.Json["retired"]!.GetValue<bool>());
        Assert.Equal(2, start.ExitCode);
        Assert.True(listed.JsonLines.Single(w => w["name"]!.GetValue<string>() == name)["retired"]!.GetValue<bool>());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
