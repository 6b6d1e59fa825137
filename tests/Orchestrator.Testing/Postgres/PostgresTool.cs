using System.Diagnostics;
using System.Text;

namespace Orchestrator.Testing.Postgres;

/// <summary>Runs one of the server's programs to completion. PostgreSQL refuses to run as root, so when the tests run
/// as root (as CI does) the program runs as the <c>postgres</c> user through <c>runuser</c>.</summary>
internal static class PostgresTool
{
    /// <summary>The system user the server runs as when the tests run as root.</summary>
    public const string ServerUser = "postgres";

    public static bool RunningAsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Runs the program; throws with its output when it exits with an error or outlives the timeout.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (RunningAsRoot)
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(ServerUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The server's programs write messages in the server's language otherwise.
        start.Environment["LC_MESSAGES"] = "C";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"{Describe(start)} did not finish within {timeout.TotalSeconds:0} s. Output:\n{Snapshot(output)}");
        }

        // The asynchronous readers may still hold the last lines; this waits for them.
        process.WaitForExit();
        return process.ExitCode == 0
            ? Snapshot(output)
            : throw new InvalidOperationException($"{Describe(start)} exited with code {process.ExitCode}. Output:\n{Snapshot(output)}");
    }

    /// <summary>Gives the server's user the directory (and what is in it), so the server can write there.</summary>
    public static async Task HandOverAsync(string directory)
    {
        if (RunningAsRoot)
        {
            await RunAsRootAsync("chown", ["-R", $"{ServerUser}:", directory]);
        }
    }

    private static async Task RunAsRootAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} could not be started.");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Describe(start)} exited with code {process.ExitCode}: {error}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string Describe(ProcessStartInfo start) => $"`{start.FileName} {string.Join(' ', start.ArgumentList)}`";
}
