using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Cluster.Tests.Faults;

/// <summary>A small tmpfs on <see cref="Path"/>, seen only by processes started through <see cref="Wrapper"/>: a
/// holder process makes a user and mount namespace of its own (<c>unshare</c>, no root needed), mounts the tmpfs there
/// and sleeps; silos join its namespaces (<c>nsenter</c>), so the disk outlives them. This process reaches the tmpfs
/// through the holder's root (<see cref="Outside"/>).</summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly Process _holder;

    private SmallDisk(Process holder, string path)
    {
        _holder = holder;
        Path = path;
    }

    /// <summary>Where the tmpfs is mounted, inside the namespace.</summary>
    public string Path { get; }

    /// <summary>The command that runs what follows it in the holder's namespaces.</summary>
    public IReadOnlyList<string> Wrapper =>
        ["nsenter", "--target", _holder.Id.ToString(CultureInfo.InvariantCulture), "--user", "--mount", "--preserve-credentials"];

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MB on <paramref name="path"/> (an existing directory).</summary>
    public static async Task<SmallDisk> MountAsync(string path, int megabytes)
    {
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--user", "--map-root-user", "--mount", "sh", "-c", $"mount -t tmpfs -o size={megabytes}m tmpfs \"$0\" && echo mounted && exec sleep infinity", path })
        {
            start.ArgumentList.Add(arg);
        }

        var holder = Process.Start(start)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await holder.StandardOutput.ReadLineAsync(bound.Token);
        if (line != "mounted")
        {
            holder.Kill();
            await holder.WaitForExitAsync(CancellationToken.None);
            var error = await holder.StandardError.ReadToEndAsync(CancellationToken.None);
            holder.Dispose();
            Assert.Fail($"could not mount a tmpfs in a namespace of its own (unshare --user --mount): {error}");
        }

        return new SmallDisk(holder, path);
    }

    /// <summary>The path, from this process, of <paramref name="relative"/> on the tmpfs.</summary>
    public string Outside(string relative) => $"/proc/{_holder.Id}/root{Path}/{relative}";

    /// <summary>Writes <paramref name="relative"/> until the tmpfs has no space left; how many bytes it took.</summary>
    public long Fill(string relative)
    {
        var chunk = new byte[1024 * 1024];
        long written = 0;
        try
        {
            using var file = new FileStream(Outside(relative), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.WriteThrough);
            while (written < 1024L * 1024 * 1024)
            {
                file.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException e) when (e.HResult == 28 /* ENOSPC */ || e.Message.Contains("No space left", StringComparison.Ordinal))
        {
            return written;
        }

        Assert.Fail($"{relative} took {written} bytes and the tmpfs is not full");
        return written;
    }

    public void Dispose()
    {
        if (!_holder.HasExited)
        {
            _holder.Kill();
            _holder.WaitForExit();
        }

        _holder.Dispose();
    }
}
