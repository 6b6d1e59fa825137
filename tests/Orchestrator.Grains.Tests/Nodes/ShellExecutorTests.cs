using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class ShellExecutorTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ServiceProvider _services = NodeServices.Create(options => options.MaxOutputBytes = 64 * 1024);
    private readonly TemporaryFolder _folder = new();

    public void Dispose()
    {
        _services.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Shell_PassesEachArgumentVerbatim_WhenArgumentsLookLikeShellSyntax()
    {
        string[] arguments = ["a; rm -rf /tmp/nothing", "$(touch pwned)", "`id`", "two words", "*", "'quoted'", "$HOME", ""];

        var outcome = await RunAsync(["printf", "<%s>\n", .. arguments], cwd: _folder.Path);

        Assert.Equal(string.Concat(arguments.Select(a => $"<{a}>\n")), outcome.Output!["stdout"]!.GetValue<string>());
        Assert.False(File.Exists(_folder.Combine("pwned")));
    }

    [Fact]
    public async Task Shell_PassesRenderedTemplatesAsSingleArguments_WhenStateHoldsShellSyntax()
    {
        var invocation = Invocations.Create(
            """{"type":"shell","command":["printf","<%s>","${state.name}"]}""",
            state: new JsonObject { ["name"] = "x; echo injected" });

        var outcome = await _services.Registry().ExecuteAsync(invocation, CancellationToken.None);

        Assert.Equal("<x; echo injected>", outcome.Output!["stdout"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shell_SetsTheOrchestratorVariablesAndEnv_WhenTheProcessStarts()
    {
        var invocation = Invocations.Create(
            """
            {"type":"shell",
             "command":["sh","-c","printf '%s|%s|%s|%s|%s' \"$ORCHESTRATOR_IDEMPOTENCY_KEY\" \"$ORCHESTRATOR_ATTEMPT\" \"$ORCHESTRATOR_RUN_ID\" \"$ORCHESTRATOR_NODE\" \"$GREETING\""],
             "env":{"GREETING":"hi ${state.who}","ORCHESTRATOR_ATTEMPT":"forged"}}
            """,
            state: new JsonObject { ["who"] = "there" }, node: "build", attempt: 2, iteration: 3, runId: "run-42");

        var outcome = await _services.Registry().ExecuteAsync(invocation, CancellationToken.None);

        Assert.Equal("run-42/build/3/2|2|run-42|build|hi there", outcome.Output!["stdout"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shell_RunsInTheWorkingDirectory_WhenCwdIsSet()
    {
        var outcome = await RunAsync(["pwd"], cwd: _folder.Path);

        Assert.Equal(Path.GetFullPath(_folder.Path), outcome.Output!["stdout"]!.GetValue<string>().Trim());
    }

    [Fact]
    public async Task Shell_MergesStdoutProperties_WhenStdoutIsAJsonObject()
    {
        var outcome = await RunAsync(["echo", """{"greeting":"hello","count":2,"exitCode":99}"""]);

        var output = outcome.Output!.AsObject();
        Assert.Equal("hello", output["greeting"]!.GetValue<string>());
        Assert.Equal(2, output["count"]!.GetValue<int>());
        Assert.Equal(0, output["exitCode"]!.GetValue<int>());
        Assert.Equal("{\"greeting\":\"hello\",\"count\":2,\"exitCode\":99}\n", output["stdout"]!.GetValue<string>());
        Assert.Equal("", output["stderr"]!.GetValue<string>());
        Assert.False(output.ContainsKey("stdoutTruncated"));
    }

    [Fact]
    public async Task Shell_OutputsOnlyTheStreams_WhenStdoutIsNotAJsonObject()
    {
        var outcome = await RunAsync(["sh", "-c", "echo '[1,2]'; echo warning >&2"]);

        Assert.Equal(["exitCode", "stdout", "stderr"], outcome.Output!.AsObject().Select(p => p.Key));
        Assert.Equal("warning\n", outcome.Output!["stderr"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shell_FailsWithTheExitCodeAndStderrTail_WhenTheProgramExitsNonZero()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(() => RunAsync(["sh", "-c", "echo partial; echo 'disk is full' >&2; exit 3"]));

        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("disk is full", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_FailsNamingTheProgram_WhenTheExecutableIsMissing()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(() => RunAsync(["no-such-program-4711", "x"]));

        Assert.Contains("'no-such-program-4711' could not be started", error.Message, StringComparison.Ordinal);
        Assert.Contains("PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_FailsNamingTheFolder_WhenCwdDoesNotExist()
    {
        var missing = _folder.Combine("missing");

        var error = await Assert.ThrowsAsync<NodeExecutionException>(() => RunAsync(["pwd"], cwd: missing));

        Assert.Contains($"'{missing}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_KeepsTheFirstBytesAndSaysSo_WhenStdoutExceedsTheCap()
    {
        // 200,000 bytes against a 64 KiB cap: the process must still run to completion (its pipe is drained).
        var outcome = await RunAsync(["sh", "-c", "head -c 200000 /dev/zero | tr '\\0' 'x'; echo done >&2"]);

        var output = outcome.Output!.AsObject();
        Assert.Equal(64 * 1024, output["stdout"]!.GetValue<string>().Length);
        Assert.True(output["stdoutTruncated"]!.GetValue<bool>());
        Assert.Equal("done\n", output["stderr"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shell_KillsTheProcessAndThrowsOperationCanceled_WhenCancelled()
    {
        var pidFile = await CreateFifoAsync("pid");
        using var cancellation = new CancellationTokenSource();

        var running = RunAsync(["sh", "-c", "echo $$ > \"$1\"; exec sleep 30", "sh", pidFile], cancellationToken: cancellation.Token);
        var pid = await ReadPidAsync(pidFile);
        Assert.False(running.IsCompleted);
        Assert.False(IsGone(pid));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.True(IsGone(pid), $"process {pid} still runs after the attempt was cancelled");
    }

    [Fact]
    public async Task Shell_KillsTheWholeProcessTree_WhenCancelled()
    {
        // The grandchild holds the write end of a second FIFO: reading it to its end returns once the grandchild is dead.
        var pidFile = await CreateFifoAsync("child-pid");
        var aliveFile = await CreateFifoAsync("child-alive");
        using var cancellation = new CancellationTokenSource();

        var running = RunAsync(
            ["sh", "-c", "sleep 30 3>\"$2\" & echo $! > \"$1\"; wait", "sh", pidFile, aliveFile], cancellationToken: cancellation.Token);
        var grandchild = await ReadPidAsync(pidFile);
        await using var alive = await Task.Run(() => File.OpenRead(aliveFile)).WaitAsync(StartTimeout);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await alive.CopyToAsync(Stream.Null).WaitAsync(StartTimeout);
        Assert.True(await IsGoneSoonAsync(grandchild), $"grandchild {grandchild} still runs after the attempt was cancelled");
    }

    private Task<NodeOutcome> RunAsync(string[] command, string? cwd = null, CancellationToken cancellationToken = default)
    {
        var node = new JsonObject { ["type"] = "shell", ["command"] = new JsonArray([.. command.Select(a => JsonValue.Create(a))]) };
        if (cwd is not null)
        {
            node["cwd"] = cwd;
        }

        return _services.Registry().ExecuteAsync(Invocations.Create(node.ToJsonString()), cancellationToken);
    }

    // A FIFO: reading it waits until the process has written its PID, with no polling.
    private Task<string> CreateFifoAsync(string name) => Fifos.CreateAsync(_folder.Combine(name));

    private static Task<int> ReadPidAsync(string fifo) => Fifos.ReadPidAsync(fifo);

    /// <summary>The FIFO reaches its end when the dying grandchild's files are closed, a moment before the kernel marks it
    /// exited; give that last step a bounded moment.</summary>
    private static async Task<bool> IsGoneSoonAsync(int pid)
    {
        for (var i = 0; i < 500; i++)
        {
            if (IsGone(pid))
            {
                return true;
            }

            await Task.Delay(10);
        }

        return false;
    }

    /// <summary>True when no process has the id, or only its zombie is left (killed, waiting for its parent to reap it).</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            if (state is "Z" or "X")
            {
                return true;
            }
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
