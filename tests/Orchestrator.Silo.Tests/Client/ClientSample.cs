using System.Diagnostics;

namespace Orchestrator.Silo.Tests.Client;

/// <summary>Runs <c>samples/client-service</c> as its own process, from its build output in the configuration these
/// tests were built in.</summary>
public static class ClientSample
{
    /// <summary>Runs the sample with <paramref name="args"/> until it exits; its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan bound, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The client sample did not exit within {bound}.\n{await output}\n{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    private static string Assembly()
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
        var path = Path.Combine(root.FullName, "samples", "client-service", "bin", configuration, framework, "ClientService.dll");
        Assert.True(File.Exists(path), $"the sample is not built at {path}");
        return path;
    }
}
