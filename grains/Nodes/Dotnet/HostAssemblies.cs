using System.Collections.Frozen;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;

namespace Orchestrator.Nodes.Dotnet;

/// <summary>What the host application has: the assemblies its default load context can load (its trusted platform
/// assemblies), which of them plugins must share, and which of its own assemblies may contain node classes.</summary>
internal static class HostAssemblies
{
    private static readonly Lazy<FrozenDictionary<string, string>> Trusted = new(ReadTrustedAssemblies);

    // <dotnet>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll → <dotnet>/shared/: every shared framework.
    private static readonly string FrameworkRoot =
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..")) + Path.DirectorySeparatorChar;

    private static readonly string ContractsName = typeof(BaseNode).Assembly.GetName().Name!;

    /// <summary>Whether a plugin must use the host's copy of the assembly named <paramref name="simpleName"/>: the host's
    /// own <c>Orchestrator.*</c> assemblies (the node contracts) and framework assemblies, when the host has them.</summary>
    public static bool IsSharedWithPlugins(string simpleName)
    {
        ArgumentNullException.ThrowIfNull(simpleName);
        var hostHasIt = Trusted.Value.TryGetValue(simpleName, out var path)
            || AssemblyLoadContext.Default.Assemblies.Any(a => string.Equals(a.GetName().Name, simpleName, StringComparison.OrdinalIgnoreCase));
        if (!hostHasIt)
        {
            return false;
        }

        return simpleName.StartsWith("Orchestrator.", StringComparison.OrdinalIgnoreCase)
            || simpleName.Equals("System", StringComparison.OrdinalIgnoreCase)
            || simpleName.StartsWith("System.", StringComparison.OrdinalIgnoreCase)
            || simpleName.Equals("mscorlib", StringComparison.OrdinalIgnoreCase)
            || simpleName.Equals("netstandard", StringComparison.OrdinalIgnoreCase)
            || (path is not null && IsFramework(path));
    }

    /// <summary>The paths of the application's own assemblies (not the framework's) that reference the node contracts,
    /// so that may define node classes; read from their metadata without loading them.</summary>
    public static IReadOnlyList<string> NodeAssemblyCandidates() =>
        [.. Trusted.Value.Values.Where(path => !IsFramework(path) && ReferencesContracts(path)).Order(StringComparer.Ordinal)];

    private static bool IsFramework(string path) => Path.GetFullPath(path).StartsWith(FrameworkRoot, StringComparison.Ordinal);

    private static bool ReferencesContracts(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            if (!reader.HasMetadata)
            {
                return false;
            }

            var metadata = reader.GetMetadataReader();
            return metadata.AssemblyReferences.Any(handle =>
                metadata.StringComparer.Equals(metadata.GetAssemblyReference(handle).Name, ContractsName));
        }
        catch (Exception exception) when (exception is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static FrozenDictionary<string, string> ReadTrustedAssemblies()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
            }
        }

        return byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
