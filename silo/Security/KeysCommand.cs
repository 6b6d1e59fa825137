using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api.Security;

namespace Orchestrator.Silo.Security;

/// <summary><c>keys create --role &lt;role&gt; [--name &lt;name&gt;]</c> with the silo's storage options: stores a new key's
/// hash where the silo reads keys, and prints the key alone on the last line, once.</summary>
internal static class KeysCommand
{
    public const string Name = "keys";

    private const string Usage = "usage: keys create --role viewer|operator|admin [--name <name>] [--storage … --data-dir … --postgres …]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args is not ["create", .. var rest])
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        string? roleText = null;
        var name = "admin";
        var siloArgs = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--role" when i + 1 < rest.Length:
                    roleText = rest[++i];
                    break;
                case "--name" when i + 1 < rest.Length:
                    name = rest[++i];
                    break;
                default:
                    siloArgs.Add(rest[i]);
                    break;
            }
        }

        if (!ApiRoles.TryParse(roleText, out var role))
        {
            await error.WriteLineAsync($"--role must be {ApiRoles.Names}. {Usage}");
            return 2;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            await error.WriteLineAsync("--name must be 1 to 100 characters.");
            return 2;
        }

        var configuration = new ConfigurationBuilder().AddSiloHostSources([.. siloArgs]).Build();
        var options = configuration.GetSiloHostOptions(out var malformed);
        var problems = malformed.Count > 0 ? malformed : options.Validate();
        if (problems.Count == 0 && options.Uses(SiloHostOptions.MemoryStorageName))
        {
            problems = ["Keys are kept in the silo's storage, and memory storage keeps nothing: use sqlite (the default) or postgres, or --api-keys-file."];
        }

        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(problem);
            }

            return 2;
        }

        await using var backend = SiloHostBuilderExtensions.CreateBackend(options, TimeProvider.System, NullLoggerFactory.Instance);
        await backend.InitializeAsync(CancellationToken.None);
        var (stored, key) = await new ApiKeyStore(backend.Grains, TimeProvider.System).CreateAsync(name.Trim(), role);
        await backend.FlushAsync(CancellationToken.None);
        await output.WriteLineAsync($"Created {stored.Role} key {stored.Id} ('{stored.Name}') in {options.Storage} storage. It is shown once; keep it now:");
        await output.WriteLineAsync(key);
        return 0;
    }
}
