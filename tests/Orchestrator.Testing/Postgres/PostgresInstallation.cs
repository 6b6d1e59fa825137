using System.Globalization;

namespace Orchestrator.Testing.Postgres;

/// <summary>The PostgreSQL server binaries Debian installs under <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>; the
/// newest version found is used.</summary>
public sealed record PostgresInstallation(int MajorVersion, string BinDirectory)
{
    /// <summary>Where Debian's packages put each major version.</summary>
    public const string Root = "/usr/lib/postgresql";

    /// <summary>The path of one of the server's programs (<c>initdb</c>, <c>pg_ctl</c>).</summary>
    public string Program(string name) => Path.Combine(BinDirectory, name);

    /// <summary>The newest installed version with <c>initdb</c> and <c>pg_ctl</c>, or null when there is none.</summary>
    public static PostgresInstallation? FindNewest()
    {
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(Root)
            .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory))))
            .Where(candidate => candidate.Version is not null)
            .Select(candidate => new PostgresInstallation(candidate.Version!.Value, Path.Combine(candidate.Directory, "bin")))
            .Where(installation => File.Exists(installation.Program("initdb")) && File.Exists(installation.Program("pg_ctl")))
            .OrderByDescending(installation => installation.MajorVersion)
            .FirstOrDefault();
    }

    /// <summary>What to do when no server is installed or it cannot start. Under CI the tests that need it fail with
    /// this; they never skip.</summary>
    public static string HowToInstall() =>
        Environment.GetEnvironmentVariable("CI") is { Length: > 0 }
            ? "CI is set, so the PostgreSQL tests fail instead of skipping: .ci/run installs the server with " +
              ".ci/install-postgres.sh before the tests; check that step's output."
            : "Install the server with `./.ci/install-postgres.sh` (as root: apt-get update && apt-get install postgresql), " +
              "then run the tests again.";

    private static int? ParseVersion(string name) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
}
