using Microsoft.Extensions.Options;

namespace Orchestrator.Nodes.Secrets;

/// <summary>Secret values, read when a node runs (so a changed file counts at the next attempt): the file named after
/// the secret in <see cref="NodeExecutorOptions.SecretsDirectory"/>, else the environment variable
/// <c>ORCHESTRATOR_SECRET_&lt;NAME&gt;</c>.</summary>
public sealed class SecretStore(IOptions<NodeExecutorOptions> options)
{
    public const string EnvironmentPrefix = "ORCHESTRATOR_SECRET_";

    /// <summary>The secret's value (a file's trailing line break dropped); null when it is not set.</summary>
    public string? Get(string name)
    {
        if (!SecretReference.IsName(name))
        {
            return null;
        }

        if (options.Value.SecretsDirectory is { Length: > 0 } directory)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return File.ReadAllText(path).TrimEnd('\r', '\n');
            }
        }

        return Environment.GetEnvironmentVariable(EnvironmentPrefix + name.ToUpperInvariant());
    }
}
