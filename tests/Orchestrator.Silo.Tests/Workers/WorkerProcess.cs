using System.Diagnostics;
using System.Text;

namespace Orchestrator.Silo.Tests.Workers;

/// <summary>The test worker (<c>tests/Orchestrator.TestWorker</c>) as a real child process; what it did is in its log.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process, string name, string log)
    {
        _process = process;
        Name = name;
        LogPath = log;
    }

    public string Name { get; }

    public string LogPath { get; }

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

    /// <summary>Starts a worker on <paramref name="queue"/>: <c>echo</c> completes each task with its input, <c>hang</c>
    /// never finishes one, <c>fail</c> throws.</summary>
    public static WorkerProcess Start(Uri server, string directory, string name, string queue, string mode, int maxConcurrent = 4)
    {
        var log = Path.Combine(directory, $"{name}.log");
        return Start(name, log, Assembly("tests", "Orchestrator.TestWorker"),
            "--server", server.ToString(), "--name", name, "--queue", queue,
            "--mode", mode, "--log", log, "--max", maxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Starts the sample worker service (<c>samples/worker-service</c>), which handles <c>samples/dag-workers.yaml</c>.</summary>
    public static WorkerProcess StartSample(Uri server, string name) =>
        Start(name, "", Assembly("samples", "worker-service", "WorkerService"), "--server", server.ToString(), "--name", name);

    private static WorkerProcess Start(string name, string log, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var worker = new WorkerProcess(process, name, log);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>The lines of the worker's log that start with <paramref name="kind"/> (<c>started</c>, <c>done</c>), without it.</summary>
    public IReadOnlyList<string> Lines(string kind)
    {
        if (!File.Exists(LogPath))
        {
            return [];
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith(kind + " ", StringComparison.Ordinal) || line == kind)
            .Select(line => line.Length > kind.Length ? line[(kind.Length + 1)..] : "")];
    }

    /// <summary>Waits (at most 60 s) until the log holds a <paramref name="kind"/> line.</summary>
    public async Task<string> WaitForLineAsync(string kind)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (Lines(kind) is [var first, ..])
            {
                return first;
            }

            Assert.False(_process.HasExited, $"worker {Name} exited with {(_process.HasExited ? _process.ExitCode : 0)}\n{Output}");
            await Task.Delay(50);
        }

        Assert.Fail($"worker {Name} never logged '{kind}'.\n{Output}");
        return "";
    }

    /// <summary>A worker's build output (<c>{folder}/{project}/bin/…/{assembly}.dll</c> under the repository), in the
    /// configuration these tests were built in.</summary>
    private static string Assembly(string folder, string project, string? assembly = null)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Orleans.Orchestrator.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var path = Path.Combine(root.FullName, folder, project, "bin", configuration, framework, $"{assembly ?? project}.dll");
        Assert.True(File.Exists(path), $"the worker is not built at {path}");
        return path;
    }

    /// <summary>SIGKILL: the worker dies mid-task without a word.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
