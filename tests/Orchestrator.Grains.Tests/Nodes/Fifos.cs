using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Grains.Tests.Nodes;

/// <summary>Named pipes for hearing from child processes without polling: reading one blocks until the child writes.</summary>
internal static class Fifos
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task<string> CreateAsync(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        await mkfifo.WaitForExitAsync();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Reads the process id a child writes into the FIFO (bounded).</summary>
    public static async Task<int> ReadPidAsync(string fifo)
    {
        var text = await Task.Run(() => File.ReadAllText(fifo)).WaitAsync(Bound);
        return int.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }
}
