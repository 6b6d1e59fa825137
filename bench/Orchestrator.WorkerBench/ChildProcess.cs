using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orchestrator.WorkerBench;

/// <summary>A process the benchmark starts (the silo, the workers): its output lines are kept for reading.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    /// <summary>Output lines, in order.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Completes when the process printed <c>ready</c>.</summary>
    public Task Ready => _ready.Task;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                child.Lines.Enqueue(line);
                if (line == "ready")
                {
                    child._ready.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                child.Lines.Enqueue(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Closes standard input (the workers stop on it) and waits a little for the exit.</summary>
    public void Stop()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }
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
}
