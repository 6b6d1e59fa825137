using Microsoft.Extensions.Configuration;
using Npgsql;
using Orchestrator.Silo;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>docker-compose.yml at the repository root cannot be run here (no Docker), so its silo commands are checked
/// against the silo's own option parser and validation, and its ports, names and database against each other.</summary>
public sealed class DockerComposeTests
{
    private static readonly string[] HostSwitches = ["--urls"];

    [Fact]
    public void SiloCommands_UseOnlyOptionsTheSiloAccepts_AndAgreeWithTheDatabaseAndPorts()
    {
        var services = (YamlMappingNode)Load()["services"];
        var postgres = (YamlMappingNode)services["postgres"];
        Assert.StartsWith("postgres:", Scalar(postgres["image"]), StringComparison.Ordinal);
        Assert.Contains("pg_isready", Sequence(((YamlMappingNode)postgres["healthcheck"])["test"]));
        var environment = (YamlMappingNode)postgres["environment"];

        var silos = services.Children.Where(s => s.Value is YamlMappingNode m && m.Children.ContainsKey("command")).ToList();
        Assert.Equal(3, silos.Count);
        var names = new List<string>();
        var published = new List<string>();
        foreach (var (key, node) in silos)
        {
            var service = (YamlMappingNode)node;
            var args = Sequence(service["command"]).ToArray();
            var context = $"{Scalar(key)}: {string.Join(' ', args)}";

            var known = typeof(SiloHostOptions).GetProperties().Where(p => p.CanWrite)
                .Select(p => SiloHostConfiguration.Describe(p.Name).Split(' ')[0]).Concat(HostSwitches).ToHashSet(StringComparer.Ordinal);
            Assert.All(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)), a => Assert.True(known.Contains(a), $"{context}: the silo has no option {a}"));

            var configuration = new ConfigurationBuilder().AddCommandLine(args).AddSiloHostSources(args).Build();
            var options = configuration.GetSiloHostOptions(out var malformed);
            Assert.Empty(malformed);
            Assert.Empty(options.Validate());
            Assert.Equal(SiloHostOptions.PostgresStorageName, options.Storage);
            Assert.Null(options.AdvertisedIp);

            var connection = new NpgsqlConnectionStringBuilder(options.Postgres);
            Assert.Equal(("postgres", Scalar(environment["POSTGRES_DB"]), Scalar(environment["POSTGRES_USER"]), Scalar(environment["POSTGRES_PASSWORD"])),
                (connection.Host, connection.Database, connection.Username, connection.Password));

            var urls = new Uri(configuration["urls"]!);
            Assert.Equal("0.0.0.0", urls.Host);
            var port = Assert.Single(Sequence(service["ports"]));
            Assert.EndsWith($":{urls.Port}", port, StringComparison.Ordinal);
            published.Add(port.Split(':')[0]);
            names.Add(options.SiloName!);

            // Beyond loopback every request needs a key: the silos read theirs from the compose secret.
            Assert.Equal("/run/secrets/orchestrator-keys", options.ApiKeysFile);
            Assert.Contains("orchestrator-keys", Sequence(Get(service, "secrets")));

            var depends = (YamlMappingNode)((YamlMappingNode)Get(service, "depends_on"))["postgres"];
            Assert.Equal("service_healthy", Scalar(depends["condition"]));
            var health = string.Join(' ', Sequence(((YamlMappingNode)Get(service, "healthcheck"))["test"]));
            Assert.Contains($"/dev/tcp/127.0.0.1/{urls.Port}", health, StringComparison.Ordinal);
            Assert.Contains("GET /api/health", health, StringComparison.Ordinal);
        }

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["8081", "8082", "8083"], published.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Dockerfile_BuildsTheSiloOnTheSdkAndRunsItOnTheAspNetImage()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot(), "Dockerfile"));
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish silo/Orchestrator.Silo.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("""ENTRYPOINT ["dotnet", "Orchestrator.Silo.dll"]""", dockerfile, StringComparison.Ordinal);
    }

    private static YamlMappingNode Load()
    {
        using var reader = new StreamReader(Path.Combine(RepositoryRoot(), "docker-compose.yml"));
        var yaml = new YamlStream();
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "docker-compose.yml")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No docker-compose.yml above {AppContext.BaseDirectory}.");
    }

    /// <summary>A service's key, or the one it takes from a merged mapping (<c>&lt;&lt;: *silo</c>).</summary>
    private static YamlNode Get(YamlMappingNode service, string key) =>
        service.Children.TryGetValue(key, out var value)
            ? value
            : service.Children.TryGetValue("<<", out var merged) && merged is YamlMappingNode template && template.Children.TryGetValue(key, out var inherited)
                ? inherited
                : throw new KeyNotFoundException($"The service has no '{key}'.");

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static IEnumerable<string> Sequence(YamlNode node) => ((YamlSequenceNode)node).Children.Select(Scalar);
}
