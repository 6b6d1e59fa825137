using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Orchestrator.Nodes;

namespace Orchestrator.Loops.Worker;

/// <summary>
/// Where the worker is and how to start it. The build copies <c>Orchestrator.Worker.dll</c> (with its
/// <c>.runtimeconfig.json</c> and <c>.deps.json</c>) next to every application that references the grains, so it is
/// looked for next to the application, then next to the grains assembly. It runs on the <c>dotnet</c> host that runs the
/// silo (<c>dotnet exec</c>), so on the same runtime; failing any host, on the worker's own executable.
/// </summary>
internal static class WorkerExecutable
{
    public const string AssemblyFileName = "Orchestrator.Worker.dll";

    private static readonly string HostFileName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    /// <summary>A start description with the three standard streams redirected.</summary>
    public static ProcessStartInfo CreateStartInfo()
    {
        var assembly = FindAssembly();
        ProcessStartInfo startInfo;
        if (FindHost() is { } host)
        {
            startInfo = new ProcessStartInfo(host);
            startInfo.ArgumentList.Add("exec");
            startInfo.ArgumentList.Add(assembly);
        }
        else
        {
            var appHost = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
            if (!File.Exists(appHost))
            {
                throw new NodeExecutionException(
                    $"The worker process cannot start: no dotnet host was found (the current process '{Environment.ProcessPath}', "
                    + $"DOTNET_HOST_PATH, or '{HostBesideRuntime()}'), and the worker has no executable at '{appHost}'.");
            }

            startInfo = new ProcessStartInfo(appHost);
        }

        startInfo.UseShellExecute = false;
        startInfo.CreateNoWindow = true;
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.StandardOutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        startInfo.StandardErrorEncoding = startInfo.StandardOutputEncoding;
        return startInfo;
    }

    /// <summary>The dotnet host ("muxer") that runs the current process, or null.</summary>
    public static string? FindHost()
    {
        if (Environment.ProcessPath is { } processPath
            && string.Equals(Path.GetFileName(processPath), HostFileName, StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var besideRuntime = HostBesideRuntime();
        return File.Exists(besideRuntime) ? besideRuntime : null;
    }

    private static string FindAssembly()
    {
        string[] folders =
        [
            AppContext.BaseDirectory,
            Path.GetDirectoryName(typeof(WorkerExecutable).Assembly.Location) ?? AppContext.BaseDirectory,
        ];
        var searched = folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        foreach (var folder in searched)
        {
            var assembly = Path.Combine(folder, AssemblyFileName);
            if (File.Exists(assembly) && File.Exists(Path.ChangeExtension(assembly, ".runtimeconfig.json")))
            {
                return assembly;
            }
        }

        throw new NodeExecutionException(
            $"The worker process cannot start: {AssemblyFileName} with its .runtimeconfig.json was not found in "
            + $"{string.Join(" or ", searched.Select(folder => $"'{folder}'"))}. The build puts it beside every application "
            + "that references Orchestrator.Grains; rebuild the application.");
    }

    // <dotnet>/shared/Microsoft.NETCore.App/<version>/ → <dotnet>/dotnet
    private static string HostBesideRuntime() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", HostFileName));
}
