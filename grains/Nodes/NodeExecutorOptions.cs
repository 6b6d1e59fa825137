using System.Reflection;

namespace Orchestrator.Nodes;

/// <summary>Settings of the node executors (see <see cref="NodeServiceCollectionExtensions.AddNodeExecutors"/>).</summary>
public sealed class NodeExecutorOptions
{
    /// <summary>The default of <see cref="MaxOutputBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxOutputBytes = 1024 * 1024;

    /// <summary>The default of <see cref="MaxHttpResponseBytes"/>: 4 MiB.</summary>
    public const int DefaultMaxHttpResponseBytes = 4 * 1024 * 1024;

    /// <summary>Where <c>dotnet</c> node classes are looked for besides <see cref="NodeAssemblies"/> and the host's own
    /// assemblies: every <c>*.dll</c> in this folder, and in each of its sub-folders (one plugin per sub-folder, each
    /// loaded in an isolated load context). A relative path is relative to the silo's working directory. A folder that
    /// does not exist is skipped.</summary>
    public string PluginDirectory { get; set; } = "plugins";

    /// <summary>Assemblies searched first for <c>dotnet</c> node classes (nodes that ship with the host).</summary>
    public IList<Assembly> NodeAssemblies { get; } = new List<Assembly>();

    /// <summary>The most bytes of a <c>shell</c> node's stdout, and as many of its stderr, that are kept; the rest is
    /// read and dropped, and the output says it was truncated.</summary>
    public int MaxOutputBytes { get; set; } = DefaultMaxOutputBytes;

    /// <summary>The largest <c>http</c> response body read; a larger body fails the attempt.</summary>
    public int MaxHttpResponseBytes { get; set; } = DefaultMaxHttpResponseBytes;

    /// <summary>True when the silo is reachable beyond loopback: <c>shell</c> nodes then run only
    /// <see cref="ShellAllow"/>, and outbound calls refuse internal addresses unless <see cref="HttpAllow"/> names
    /// them.</summary>
    public bool Restricted { get; set; }

    /// <summary>Absolute paths of the programs <c>shell</c> nodes may run when <see cref="Restricted"/>
    /// (<c>--shell-allow</c>); empty: none.</summary>
    public IList<string> ShellAllow { get; } = new List<string>();

    /// <summary>Hosts and CIDR ranges outbound calls may reach although they are loopback, link-local or private, when
    /// <see cref="Restricted"/> (<c>--http-allow</c>).</summary>
    public IList<string> HttpAllow { get; } = new List<string>();

    /// <summary>The agent service <c>agent</c> nodes call when they name no <c>url</c> (<c>--agent-url</c>); null: such
    /// nodes fail.</summary>
    public Uri? AgentUrl { get; set; }

    /// <summary>Folder of secret files, one per secret named after it (<c>--secrets-dir</c>); null: secrets come only
    /// from <c>ORCHESTRATOR_SECRET_&lt;NAME&gt;</c> environment variables.</summary>
    public string? SecretsDirectory { get; set; }
}
