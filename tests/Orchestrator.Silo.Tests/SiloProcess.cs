using System.Diagnostics;
using System.Net;
using System.Text;
using Orchestrator.Testing;

namespace Orchestrator.Silo.Tests;

/// <summary>The silo executable (<c>Orchestrator.Silo.dll</c>, copied next to the tests) run as a real child process,
/// with its standard output and error captured.</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private SiloProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static SiloProcess Start(string workingDirectory, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts a silo with <paramref name="environment"/> added to its environment.</summary>
    public static SiloProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(workingDirectory, environment, [], args);

    /// <summary>Starts a silo through <paramref name="wrapper"/>, a command that ends by running (exec) the command line
    /// it is given after its own arguments; the process keeps the wrapper's id when the wrapper execs.</summary>
    public static SiloProcess StartUnder(string workingDirectory, IReadOnlyList<string> wrapper, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string>(), wrapper, args);

    private static SiloProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> wrapper, string[] args)
    {
        var start = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (wrapper.Count > 0)
        {
            foreach (var arg in wrapper.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }

            start.ArgumentList.Add(DotnetHost());
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Orchestrator.Silo.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Orleans' ports: free ones, so that silos of tests running alongside do not collide.
        foreach (var (option, port) in new[] { ("--silo-port", FreePort()), ("--gateway-port", FreePort()) })
        {
            if (!args.Contains(option))
            {
                start.ArgumentList.Add(option);
                start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        // The child takes its settings from the arguments only, whatever the test runner's environment says.
        foreach (var name in new[] { "Storage", "DataDir", "SiloName", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            start.Environment.Remove(name);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ORCHESTRATOR_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(process);
        process.OutputDataReceived += (_, e) => Append(silo._output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(silo._error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>A loopback port nobody listens on right now, never one handed out before (<see cref="FreePorts"/>).</summary>
    public static int FreePort() => FreePorts.Next();

    /// <summary>Polls <c>/api/health</c> until it answers 200; fails when the process exits or attempts run out.</summary>
    public async Task WaitUntilHealthyAsync(HttpClient client, int attempts = 150)
    {
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The silo exited with {_process.ExitCode} before it was healthy.\n{Output}\n{Error}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        Assert.Fail($"The silo was not healthy after {attempts} attempts.\n{Output}\n{Error}");
    }

    /// <summary>Polls until the file that the silo's nodes append to holds at least <paramref name="count"/> non-empty
    /// lines (for at most 30 s); fails with the silo's output otherwise.</summary>
    public async Task WaitForLinesAsync(string path, int count)
    {
        for (var i = 0; i < 600; i++)
        {
            if (File.Exists(path) && (await File.ReadAllLinesAsync(path)).Count(line => line.Length > 0) >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{path} never reached {count} lines.\n{Output}\n{Error}");
    }

    /// <summary>Sends SIGTERM, as a service manager or container runtime does.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the silo and its children at once (SIGKILL), as a crash or an OOM kill would.</summary>
    public void Crash()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Waits for the process to exit and its output to be read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The silo did not exit within {bound}.\n{Output}\n{Error}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    // `dotnet test` tells child processes where its dotnet host is; outside it, the one on PATH.
    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
