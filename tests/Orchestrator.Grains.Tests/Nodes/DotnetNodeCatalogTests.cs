using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Nodes;
using Orchestrator.Nodes.Dotnet;
using Orchestrator.Nodes.Executors;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class DotnetNodeCatalogTests : IDisposable
{
    private readonly TemporaryFolder _plugins = new();
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _plugins.Dispose();
    }

    [Fact]
    public async Task Catalog_LoadsAndRunsThePluginInItsOwnContext_WhenThePluginIsInThePluginFolder()
    {
        CopyCodeReviewPlugin(_plugins.Path);
        var catalog = NewCatalog();

        var type = catalog.Resolve("CodeReview.Analyze");
        var outcome = await new DotnetExecutor(catalog, _services).ExecuteAsync(
            Invocations.Create("""{"type":"dotnet","class":"CodeReview.Analyze"}""", state: new JsonObject { ["code"] = "def hello(): pass" }),
            CancellationToken.None);

        Assert.NotSame(typeof(CodeReview.Analyze), type);
        Assert.IsType<PluginLoadContext>(AssemblyLoadContext.GetLoadContext(type.Assembly));
        Assert.Equal(_plugins.Path, Path.GetDirectoryName(type.Assembly.Location));
        Assert.True(typeof(BlockingNode).IsAssignableFrom(type), "the plugin's BaseNode must be the host's");
        Assert.Equal(5.0, outcome.Output!["quality_score"]!.GetValue<double>());
        Assert.Equal(["no comments or docstrings", "stub bodies (pass / NotImplementedException)"],
            outcome.Output!["issues"]!.AsArray().Select(issue => issue!.GetValue<string>()));
    }

    [Fact]
    public void Catalog_LoadsEachSubFolderAsAPlugin_WhenPluginsHaveFoldersOfTheirOwn()
    {
        var folder = _plugins.Combine("CodeReview");
        Directory.CreateDirectory(folder);
        CopyCodeReviewPlugin(folder);

        var type = NewCatalog().Resolve("CodeReview.Improve");

        Assert.Equal(folder, Path.GetDirectoryName(type.Assembly.Location));
        Assert.Equal(folder, Assert.IsType<PluginLoadContext>(AssemblyLoadContext.GetLoadContext(type.Assembly)).Folder);
    }

    [Fact]
    public void Catalog_SharesTheHostsContracts_WhenThePluginFolderShipsItsOwnCopy()
    {
        CopyCodeReviewPlugin(_plugins.Path);
        File.Copy(typeof(BaseNode).Assembly.Location, _plugins.Combine(Path.GetFileName(typeof(BaseNode).Assembly.Location)));
        var catalog = NewCatalog();

        var type = catalog.Resolve("CodeReview.ExtractFunctions");

        Assert.True(typeof(BlockingNode).IsAssignableFrom(type));
        Assert.DoesNotContain(catalog.PluginAssemblies, a => a.GetName().Name == typeof(BaseNode).Assembly.GetName().Name);
    }

    [Fact]
    public void Catalog_ReturnsTheSameType_WhenAskedAgain()
    {
        CopyCodeReviewPlugin(_plugins.Path);
        var catalog = NewCatalog();

        Assert.Same(catalog.Resolve("CodeReview.Analyze"), catalog.Resolve("CodeReview.Analyze"));
    }

    [Fact]
    public void Catalog_SkipsFilesThatAreNotAssemblies_WhenThePluginFolderHasThem()
    {
        CopyCodeReviewPlugin(_plugins.Path);
        File.WriteAllText(_plugins.Combine("native.dll"), "not a managed assembly");

        var catalog = NewCatalog();

        Assert.Contains(catalog.PluginAssemblies, a => a.GetName().Name == "CodeReview");
        Assert.NotNull(catalog.Resolve("CodeReview.Analyze"));
    }

    [Fact]
    public void Catalog_FailsListingThePluginAssemblies_WhenTheClassIsInNone()
    {
        CopyCodeReviewPlugin(_plugins.Path);

        var error = Assert.Throws<NodeExecutionException>(() => NewCatalog().Resolve("CodeReview.Missing"));

        Assert.Contains($"the plugin folder '{_plugins.Path}' (CodeReview)", error.Message, StringComparison.Ordinal);
        Assert.Contains("no assemblies registered in NodeExecutorOptions.NodeAssemblies", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_ResolvesARelativePluginFolder_AgainstTheWorkingDirectory()
    {
        var catalog = new DotnetNodeCatalog(Options.Create(new NodeExecutorOptions()), NullLogger<DotnetNodeCatalog>.Instance);

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "plugins"), catalog.PluginDirectory);
    }

    private DotnetNodeCatalog NewCatalog() =>
        new(Options.Create(new NodeExecutorOptions { PluginDirectory = _plugins.Path }), NullLogger<DotnetNodeCatalog>.Instance);

    /// <summary>Copies the CodeReview plugin's build output (the assembly and its .deps.json) into <paramref name="folder"/>.</summary>
    private static void CopyCodeReviewPlugin(string folder)
    {
        var assembly = typeof(CodeReview.Analyze).Assembly.Location;
        File.Copy(assembly, Path.Combine(folder, Path.GetFileName(assembly)));
        var deps = Path.ChangeExtension(assembly, ".deps.json");
        if (File.Exists(deps))
        {
            File.Copy(deps, Path.Combine(folder, Path.GetFileName(deps)));
        }
    }
}
