using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Orchestrator.Benchmarks;

/// <summary>A silo process (<c>Orchestrator.Silo.dll</c>, copied next to the benchmarks) on PostgreSQL storage and
/// membership, on free ports of 127.0.0.1. Its output is read and kept only as its last lines, for error messages.</summary>
internal sealed class ClusterSiloProcess : IDisposable
{
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ClusterSiloProcess(string name, Uri url, Process process)
    {
        Name = name;
        Url = url;
        _process = process;
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public string Name { get; }

    /// <summary>The base address of its HTTP API.</summary>
    public Uri Url { get; }

    /// <summary>The process id (the silo runs in the <c>dotnet</c> host's own process).</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the silo wrote (standard output and error together).</summary>
    public string Tail
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>Starts silo <paramref name="name"/> of cluster <paramref name="clusterId"/> on the database, its data
    /// directory and working directory under <paramref name="workDirectory"/>.</summary>
    public static ClusterSiloProcess Start(string workDirectory, string name, string connectionString, string clusterId)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}/");
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Orchestrator.Silo.dll"));
        foreach (var argument in new[]
        {
            "--storage", "postgres", "--postgres", connectionString, "--cluster-id", clusterId, "--silo-name", name,
            "--urls", url.GetLeftPart(UriPartial.Authority), "--data-dir", Path.Combine(workDirectory, name),
            "--silo-port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePort().ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        // The silo takes its settings from the arguments only, whatever this process's environment says.
        foreach (var variable in start.Environment.Keys
            .Where(k => k.StartsWith("ORCHESTRATOR_", StringComparison.OrdinalIgnoreCase)
                || k is "Storage" or "DataDir" or "SiloName" or "ASPNETCORE_URLS" or "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT")
            .ToList())
        {
            start.Environment.Remove(variable);
        }

        var process = new Process { StartInfo = start };
        var silo = new ClusterSiloProcess(name, url, process);
        process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Polls <c>GET /api/health</c> until it answers 200; throws with the silo's last lines when the process
    /// exits or the bound passes.</summary>
    public async Task WaitUntilHealthyAsync(HttpClient http, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was healthy:\n{Tail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url, "api/health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"{Name} was not healthy within {bound.TotalSeconds:0} s:\n{Tail}");
    }

    /// <summary>Polls this silo's <c>GET /api/silos</c> until it lists <paramref name="count"/> running silos.</summary>
    public async Task WaitForRunningSilosAsync(HttpClient http, int count, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < bound)
        {
            try
            {
                last = await http.GetStringAsync(new Uri(Url, "api/silos"));
                using var document = JsonDocument.Parse(last);
                if (document.RootElement.GetProperty("items").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "running") == count)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"{Name} never listed {count} running silos within {bound.TotalSeconds:0} s; last: {last}");
    }

    /// <summary>Kills the silo at once (SIGKILL), as a crash or an OOM kill would, and waits for it to be gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A benchmark stopped early (Ctrl+C, SIGTERM) must not leave its silos behind.</summary>
    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Best effort while the process exits.
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > KeptLines)
            {
                _lastLines.Dequeue();
            }
        }
    }

    // Under `dotnet test` or `dotnet run` the host may say where its dotnet is; otherwise the one on PATH.
    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
