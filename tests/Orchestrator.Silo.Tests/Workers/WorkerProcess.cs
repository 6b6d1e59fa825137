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
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Assembly(), "--server", server.ToString(), "--name", name, "--queue", queue,
            "--mode", mode, "--log", log, "--max", maxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
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

    /// <summary>The test worker's build output, in the configuration these tests were built in.</summary>
    private static string Assembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var tests = output.Parent.Parent!.Parent!.Parent!;
        var path = Path.Combine(tests.FullName, "Orchestrator.TestWorker", "bin", configuration, framework, "Orchestrator.TestWorker.dll");
        Assert.True(File.Exists(path), $"the test worker is not built at {path}");
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
