using System.Reflection;
using System.Runtime.Loader;

namespace Orchestrator.Nodes.Dotnet;

/// <summary>
/// The load context of one plugin folder. The plugin's own assemblies and its private dependencies load here (through
/// its <c>.deps.json</c> when there is one, else from the folder); the assemblies the host shares with plugins — the
/// node contracts (<c>Orchestrator.*</c>) and the framework — always come from the default context, so that a plugin's
/// <c>BaseNode</c> is the host's <c>BaseNode</c>.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly string _directory;
    private readonly List<AssemblyDependencyResolver> _resolvers = [];

    public PluginLoadContext(string directory)
        : base($"plugin:{directory}", isCollectible: false)
    {
        _directory = directory;
        foreach (var depsFile in Directory.EnumerateFiles(directory, "*.deps.json"))
        {
            var component = Path.Combine(directory, Path.GetFileName(depsFile)[..^".deps.json".Length] + ".dll");
            if (File.Exists(component))
            {
                _resolvers.Add(new AssemblyDependencyResolver(component));
            }
        }
    }

    /// <summary>The folder the context loads from.</summary>
    public string Folder => _directory;

    /// <summary>Whether <paramref name="name"/> is an assembly the host shares with plugins and has itself.</summary>
    public static bool IsSharedWithHost(AssemblyName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Name is { } simpleName && HostAssemblies.IsSharedWithPlugins(simpleName);
    }

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsSharedWithHost(assemblyName))
        {
            return null;
        }

        foreach (var resolver in _resolvers)
        {
            if (resolver.ResolveAssemblyToPath(assemblyName) is { } resolved && File.Exists(resolved))
            {
                return LoadFromAssemblyPath(resolved);
            }
        }

        var local = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(local) ? LoadFromAssemblyPath(local) : null;
    }

    /// <inheritdoc/>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var resolver in _resolvers)
        {
            if (resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } resolved)
            {
                return LoadUnmanagedDllFromPath(resolved);
            }
        }

        return IntPtr.Zero;
    }
}
