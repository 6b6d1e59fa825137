using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orchestrator.Nodes.Dotnet;

/// <summary>
/// Finds the classes of <c>dotnet</c> nodes by full name (<c>CodeReview.ExtractFunctions</c>), looking in order at
/// <see cref="NodeExecutorOptions.NodeAssemblies"/>, the assemblies of the plugin folder
/// (<see cref="NodeExecutorOptions.PluginDirectory"/>: its own <c>*.dll</c> files, and those of each sub-folder, each
/// folder in a load context of its own), the assemblies already loaded in the host, and last the host application's
/// own assemblies that reference the node contracts (loaded on demand). The plugin folder is read once, on first use;
/// classes found are cached.
/// </summary>
internal sealed partial class DotnetNodeCatalog
{
    private readonly NodeExecutorOptions _options;
    private readonly ILogger<DotnetNodeCatalog> _logger;
    private readonly Lazy<IReadOnlyList<Assembly>> _plugins;
    private readonly Lazy<IReadOnlyList<string>> _applicationCandidates = new(HostAssemblies.NodeAssemblyCandidates);
    private readonly ConcurrentDictionary<string, Type> _classes = new(StringComparer.Ordinal);

    public DotnetNodeCatalog(IOptions<NodeExecutorOptions> options, ILogger<DotnetNodeCatalog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        PluginDirectory = Path.GetFullPath(_options.PluginDirectory);
        _plugins = new Lazy<IReadOnlyList<Assembly>>(LoadPlugins);
    }

    /// <summary>The plugin folder, as an absolute path.</summary>
    public string PluginDirectory { get; }

    /// <summary>The assemblies loaded from the plugin folder (loading them on first use).</summary>
    public IReadOnlyList<Assembly> PluginAssemblies => _plugins.Value;

    /// <summary>Returns the class named <paramref name="className"/>: a concrete <c>BlockingNode</c>,
    /// <c>NonBlockingNode</c> or <c>ProducerNode</c>.</summary>
    /// <exception cref="NodeExecutionException">No such class (the message says where the catalog looked), or the class
    /// is not a node.</exception>
    public Type Resolve(string className)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        if (_classes.TryGetValue(className, out var cached))
        {
            return cached;
        }

        var type = Find(className) ?? throw NotFound(className);
        EnsureNode(type, className);
        return _classes.GetOrAdd(className, type);
    }

    private Type? Find(string className) =>
        FindIn(_options.NodeAssemblies, className)
        ?? FindIn(_plugins.Value, className)
        ?? FindIn(AssemblyLoadContext.Default.Assemblies, className)
        ?? FindIn(LoadApplicationAssemblies(), className);

    /// <summary>The application's assemblies that may hold node classes, loaded into the default context one by one
    /// (an assembly already loaded is returned as it is).</summary>
    private IEnumerable<Assembly> LoadApplicationAssemblies()
    {
        foreach (var path in _applicationCandidates.Value)
        {
            Assembly assembly;
            try
            {
                assembly = AssemblyLoadContext.Default.LoadFromAssemblyName(AssemblyName.GetAssemblyName(path));
            }
            catch (Exception exception) when (exception is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                LogNotLoaded(_logger, path, exception.Message);
                continue;
            }

            yield return assembly;
        }
    }

    private static Type? FindIn(IEnumerable<Assembly> assemblies, string className)
    {
        foreach (var assembly in assemblies)
        {
            if (assembly.GetType(className, throwOnError: false, ignoreCase: false) is { } type)
            {
                return type;
            }
        }

        return null;
    }

    private static void EnsureNode(Type type, string className)
    {
        var where = $"{className} (in {type.Assembly.GetName().Name}, {Describe(type.Assembly)})";
        if (!type.IsClass || type.IsAbstract || type.ContainsGenericParameters)
        {
            throw new NodeExecutionException($"dotnet node class {where} cannot be created: it must be a concrete, non-generic class.");
        }

        if (typeof(BlockingNode).IsAssignableFrom(type) || typeof(NonBlockingNode).IsAssignableFrom(type) || typeof(ProducerNode).IsAssignableFrom(type))
        {
            return;
        }

        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (baseType.FullName == typeof(BaseNode).FullName)
            {
                throw new NodeExecutionException(
                    $"dotnet node class {where} derives from another copy of {typeof(BaseNode).FullName} (from {baseType.Assembly.Location}); "
                    + $"a plugin must not ship its own {typeof(BaseNode).Assembly.GetName().Name}.dll (reference it with Private=false).");
            }
        }

        throw new NodeExecutionException(
            $"dotnet node class {where} is not a node: it must derive from {nameof(BlockingNode)}, {nameof(NonBlockingNode)} or {nameof(ProducerNode)}.");
    }

    private NodeExecutionException NotFound(string className)
    {
        var registered = _options.NodeAssemblies.Count == 0
            ? "no assemblies registered in NodeExecutorOptions.NodeAssemblies"
            : $"the registered assemblies ({string.Join(", ", _options.NodeAssemblies.Select(a => a.GetName().Name))})";
        var plugins = !Directory.Exists(PluginDirectory)
            ? $"the plugin folder '{PluginDirectory}' (it does not exist)"
            : _plugins.Value.Count == 0
                ? $"the plugin folder '{PluginDirectory}' (no loadable assemblies in it)"
                : $"the plugin folder '{PluginDirectory}' ({string.Join(", ", _plugins.Value.Select(a => a.GetName().Name))})";
        var loaded = $"the {AssemblyLoadContext.Default.Assemblies.Count()} assemblies loaded in the host and the "
            + $"{_applicationCandidates.Value.Count} application assemblies that reference {typeof(BaseNode).Assembly.GetName().Name}";
        var simpleName = className[(className.LastIndexOf('.') + 1)..];
        var similar = _options.NodeAssemblies.Concat(_plugins.Value)
            .SelectMany(ExportedTypes)
            .Where(t => t.Name == simpleName && typeof(BaseNode).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var hint = similar.Count > 0
            ? $" Did you mean {string.Join(" or ", similar)}?"
            : " Give the full name (Namespace.ClassName) and put the plugin's build output in the plugin folder.";
        return new NodeExecutionException($"dotnet node class '{className}' was not found. Looked in {registered}; {plugins}; {loaded}.{hint}");
    }

    private static IEnumerable<Type> ExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (Exception exception) when (exception is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            return [];
        }
    }

    private static string Describe(Assembly assembly) =>
        AssemblyLoadContext.GetLoadContext(assembly) is PluginLoadContext plugin ? $"plugin folder {plugin.Folder}" : "host";

    private List<Assembly> LoadPlugins()
    {
        var loaded = new List<Assembly>();
        if (!Directory.Exists(PluginDirectory))
        {
            LogNoPluginDirectory(_logger, PluginDirectory);
            return loaded;
        }

        LoadFolder(PluginDirectory, loaded);
        foreach (var folder in Directory.EnumerateDirectories(PluginDirectory).Order(StringComparer.Ordinal))
        {
            LoadFolder(folder, loaded);
        }

        return loaded;
    }

    private void LoadFolder(string folder, List<Assembly> loaded)
    {
        var files = Directory.EnumerateFiles(folder, "*.dll").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            return;
        }

        var context = new PluginLoadContext(folder);
        foreach (var file in files)
        {
            try
            {
                var name = AssemblyName.GetAssemblyName(file);
                if (PluginLoadContext.IsSharedWithHost(name))
                {
                    // The host's copy serves; a second copy would make a second BaseNode.
                    LogSkippedShared(_logger, file);
                    continue;
                }

                var assembly = context.LoadFromAssemblyPath(file);
                loaded.Add(assembly);
                LogLoaded(_logger, assembly.FullName, file);
            }
            catch (Exception exception) when (exception is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                LogNotLoaded(_logger, file, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No plugin folder at {Directory}; dotnet nodes come from the host's assemblies")]
    private static partial void LogNoPluginDirectory(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded plugin assembly {Assembly} from {Path}")]
    private static partial void LogLoaded(ILogger logger, string? assembly, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped {Path}: the host's copy of that assembly is shared with plugins")]
    private static partial void LogSkippedShared(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load {Path} as a plugin assembly: {Reason}")]
    private static partial void LogNotLoaded(ILogger logger, string path, string reason);
}
