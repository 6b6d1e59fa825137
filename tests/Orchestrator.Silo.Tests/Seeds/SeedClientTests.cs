using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Silo.Tests.Seeds;

/// <summary>Seed 002's own Python example clients (<c>tests/seed-clients/</c>, changed only in the graph id) against a
/// real silo process on <c>localhost:8000</c>, the address they are written for.</summary>
public sealed class SeedClientTests
{
    private const int SeedPort = 8000;
    private static readonly TimeSpan ClientBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SeedClients_RunToTheEnd_AgainstARealSilo()
    {
        var python = RequirePython();
        var clients = FindClientsFolder();
        // The port is fixed by the clients: runs of this test in other processes on the machine take turns.
        using var turn = await TakePortTurnAsync();
        RequirePortFree();
        using var workDir = new TemporaryDirectory();
        using var silo = SiloProcess.Start(workDir.Path, "--urls", $"http://localhost:{SeedPort}", "--data-dir", Path.Combine(workDir.Path, "data"));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{SeedPort}"), Timeout = TimeSpan.FromSeconds(30) };
        await silo.WaitUntilHealthyAsync(client);
        await SeedGraphs.CreateAsync(client);

        var (wsExit, wsOutput) = await RunAsync(python, Path.Combine(clients, "test_websocket.py"));
        var (bgExit, bgOutput) = await RunAsync(python, Path.Combine(clients, "test_background_tasks.py"));

        Assert.True(wsExit == 0, $"test_websocket.py exited {wsExit}:\n{wsOutput}\n{silo.Output}");
        var events = wsOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "Event: connected", "Event: status",
                "Event: node_start", "Event: node_complete", "Event: transition",
                "Event: node_start", "Event: node_complete", "Event: transition",
                "Event: node_start", "Event: node_complete", "Event: transition",
                "Event: node_start", "Event: node_complete", "Event: transition",
                "Event: complete", "Workflow completed!",
            ],
            events);
        Assert.True(bgExit == 0, $"test_background_tasks.py exited {bgExit}:\n{bgOutput}\n{silo.Output}");
        var lines = bgOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^Task started: [0-9a-f]{20}$", lines[0]);
        Assert.Equal("Status: completed", lines[^2]);
        Assert.All(lines[1..^1], l => Assert.True(l is "Status: running" or "Status: completed", l));
        Assert.StartsWith("Final state: {", lines[^1], StringComparison.Ordinal);
        Assert.Contains("'current_node': 'END'", lines[^1], StringComparison.Ordinal);
        Assert.Contains("'quality_score': 8.5", lines[^1], StringComparison.Ordinal);
    }

    /// <summary>Debian's <c>python3</c> (<c>/usr/bin</c>, which sees the apt-installed modules; a pyenv one on PATH may
    /// not), with <c>websockets</c> and <c>requests</c>. Missing either fails the test with what to install: in CI the
    /// run installs them (<c>.ci/run</c>), and elsewhere a silent pass would claim what was not checked.</summary>
    private static string RequirePython()
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        string problem;
        try
        {
            using var check = Process.Start(new ProcessStartInfo(python, ["-c", "import websockets, requests"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var error = check.StandardError.ReadToEnd();
            check.WaitForExit();
            if (check.ExitCode == 0)
            {
                return python;
            }

            problem = $"{python} lacks a module the seed clients import: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            problem = $"{python} could not be started: {e.Message}";
        }

        Assert.Fail($"{problem}\nThe seed 002 client test needs Python 3 with websockets and requests: " +
            "apt-get install -y python3 python3-websockets python3-requests");
        return python;
    }

    private static string FindClientsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var clients = Path.Combine(dir.FullName, "tests", "seed-clients");
            if (File.Exists(Path.Combine(clients, "test_websocket.py")))
            {
                return clients;
            }
        }

        Assert.Fail($"tests/seed-clients was not found above {AppContext.BaseDirectory}");
        return "";
    }

    private static async Task<FileStream> TakePortTurnAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"orchestrator-seed-clients-{SeedPort}.lock");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    private static void RequirePortFree()
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, SeedPort);
            listener.Start();
        }
        catch (SocketException e)
        {
            Assert.Fail($"port {SeedPort}, which the seed 002 clients are written for, is in use: {e.Message}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string python, string script)
    {
        using var process = Process.Start(new ProcessStartInfo(python, [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PYTHONIOENCODING"] = "utf-8", ["PYTHONUNBUFFERED"] = "1", ["NO_PROXY"] = "localhost,127.0.0.1" },
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ClientBound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(script)} did not finish within {ClientBound}:\n{await output}\n{await error}");
        }

        return (process.ExitCode, (await output) + (await error));
    }
}
