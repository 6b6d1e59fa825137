using System.Globalization;

namespace Orchestrator.LoadBench;

/// <summary>The memory and CPU time of a silo on this machine, read from <c>/proc</c> (Linux only): the process that
/// listens on the target's loopback port. The API exposes neither, so this is how the benchmark reports them; for a
/// remote silo, or another user's process, it reports nothing.</summary>
internal static class SiloProcess
{
    /// <summary>USER_HZ, the unit of <c>/proc/{pid}/stat</c> times: 100 on every Linux architecture .NET runs on.</summary>
    private const int ClockTicksPerSecond = 100;

    /// <summary>Resident set now and at its peak (<c>VmRSS</c>, <c>VmHWM</c>) in bytes.</summary>
    public readonly record struct Sample(long ResidentBytes, long PeakResidentBytes);

    /// <summary>The id of the process listening on the address's port, when the address is loopback and it is found.</summary>
    public static int? FindListener(Uri address)
    {
        if (!OperatingSystem.IsLinux() || !address.IsLoopback)
        {
            return null;
        }

        try
        {
            var inodes = ListeningSocketInodes(address.Port);
            if (inodes.Count == 0)
            {
                return null;
            }

            foreach (var processDirectory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(processDirectory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                try
                {
                    foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(processDirectory, "fd")))
                    {
                        var link = new FileInfo(fd).LinkTarget;
                        if (link is not null && link.StartsWith("socket:[", StringComparison.Ordinal)
                            && inodes.Contains(link["socket:[".Length..^1]))
                        {
                            return pid;
                        }
                    }
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException)
                {
                    // Another user's process, or one that just ended.
                }
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
        }

        return null;
    }

    /// <summary>The process's resident set now and at its peak; null when it cannot be read.</summary>
    public static Sample? Read(int pid)
    {
        try
        {
            long? rss = null, peak = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line);
                }
            }

            return rss is { } r && peak is { } p ? new Sample(r * 1024, p * 1024) : null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }

    /// <summary>CPU time (user + system) the process has used so far; null when it cannot be read.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            // Fields after the command name "(…)": state is field 3, utime and stime are fields 14 and 15, in clock ticks.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>CPU time the whole machine has spent busy (all cores, everything but idle and I/O wait), from
    /// <c>/proc/stat</c>; null when it cannot be read. Set against the silo's and the client's own, it shows how much
    /// other processes ran during a measurement.</summary>
    public static TimeSpan? MachineBusyTime()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            // cpu  user nice system idle iowait irq softirq steal …
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long ticks = 0;
            foreach (var index in new[] { 1, 2, 3, 6, 7, 8 })
            {
                ticks += long.Parse(fields[index], CultureInfo.InvariantCulture);
            }

            return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>Inodes of the sockets listening on a TCP port (IPv4 and IPv6).</summary>
    private static HashSet<string> ListeningSocketInodes(int port)
    {
        const string Listen = "0A";
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != Listen)
                {
                    continue;
                }

                var local = fields[1];
                var localPort = int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (localPort == port)
                {
                    inodes.Add(fields[9]);
                }
            }
        }

        return inodes;
    }
}

/// <summary>The processes of one target's silos on this machine, one per address (a cluster's silos under one label):
/// their CPU time and memory are reported as sums over them, and their resident sets one by one as well.</summary>
internal sealed record SiloProcesses(IReadOnlyList<int> Ids)
{
    /// <summary>The processes listening on the target's addresses; null unless every one is found, since a sum over
    /// some of a cluster's silos would mislead.</summary>
    public static SiloProcesses? Find(Target target)
    {
        var ids = new List<int>();
        foreach (var address in target.BaseAddresses)
        {
            if (SiloProcess.FindListener(address) is not { } pid)
            {
                return null;
            }

            if (!ids.Contains(pid))
            {
                ids.Add(pid);
            }
        }

        return new SiloProcesses(ids);
    }

    /// <summary>CPU time (user + system) the processes have used so far, together; null when one cannot be read.</summary>
    public TimeSpan? CpuTime()
    {
        var total = TimeSpan.Zero;
        foreach (var id in Ids)
        {
            if (SiloProcess.CpuTime(id) is not { } time)
            {
                return null;
            }

            total += time;
        }

        return total;
    }

    /// <summary>Each process's resident set now and at its peak, in the order of <see cref="Ids"/>; null when one cannot
    /// be read.</summary>
    public IReadOnlyList<SiloProcess.Sample>? Read()
    {
        var samples = new List<SiloProcess.Sample>();
        foreach (var id in Ids)
        {
            if (SiloProcess.Read(id) is not { } sample)
            {
                return null;
            }

            samples.Add(sample);
        }

        return samples;
    }

    /// <summary>The resident sets added up (the peaks too, though the processes need not have peaked together).</summary>
    public static SiloProcess.Sample Sum(IReadOnlyList<SiloProcess.Sample> samples) =>
        new(samples.Sum(s => s.ResidentBytes), samples.Sum(s => s.PeakResidentBytes));

    public override string ToString() => Ids.Count == 1 ? $"silo process {Ids[0]}" : $"silo processes {string.Join(", ", Ids)}";
}
