using System.Collections.Frozen;
using System.Reflection;
using System.Runtime.Loader;

namespace Orchestrator.Worker;

/// <summary>
/// The load context of one node assembly. The assembly's own dependencies load here (through its <c>.deps.json</c>
/// when there is one, else from its folder); what the worker itself has — the node contracts
/// (<c>Orchestrator.GrainInterfaces</c>) and the framework — always comes from
/// the default context, so that a node class's <c>BaseNode</c> is the worker's <c>BaseNode</c>.
/// </summary>
internal sealed class NodeLoadContext : AssemblyLoadContext
{
    // The worker's trusted platform assemblies: the framework and the worker's own references, nothing else.
    private static readonly FrozenSet<string> Shared = ReadTrustedAssemblyNames();

    private readonly string _folder;
    private readonly AssemblyDependencyResolver _resolver;

    public NodeLoadContext(string assemblyPath)
        : base($"node:{assemblyPath}", isCollectible: false)
    {
        _folder = Path.GetDirectoryName(assemblyPath)!;
        _resolver = new AssemblyDependencyResolver(assemblyPath);
        NodeAssembly = LoadFromAssemblyPath(assemblyPath);
    }

    /// <summary>The assembly the context was created for.</summary>
    public Assembly NodeAssembly { get; }

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is not { } name || Shared.Contains(name))
        {
            return null;
        }

        if (_resolver.ResolveAssemblyToPath(assemblyName) is { } resolved && File.Exists(resolved))
        {
            return LoadFromAssemblyPath(resolved);
        }

        var local = Path.Combine(_folder, name + ".dll");
        return File.Exists(local) ? LoadFromAssemblyPath(local) : null;
    }

    /// <inheritdoc/>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } resolved ? LoadUnmanagedDllFromPath(resolved) : IntPtr.Zero;

    private static FrozenSet<string> ReadTrustedAssemblyNames()
    {
        var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        return list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
