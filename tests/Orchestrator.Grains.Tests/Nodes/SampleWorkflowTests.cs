using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

/// <summary>The definitions in <c>samples/</c> are valid, and their nodes do what the samples say.</summary>
public sealed class SampleWorkflowTests
{
    public static TheoryData<string> Samples() => new(SampleFiles());

    [Fact]
    public void Samples_IncludeTheDocumentedDefinitions_WhenTheFolderIsRead()
    {
        var names = SampleFiles();

        Assert.Contains("code-review.yaml", names);
        Assert.Contains("dag-fanout.yaml", names);
        Assert.Contains("shell-http.yaml", names);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_HasNoProblems_WhenLoaded(string file)
    {
        var loaded = DefinitionLoader.Load(File.ReadAllText(Path.Combine(SamplesFolder(), file)));

        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), loaded.Definition!.Name);
    }

    [Fact]
    public async Task CodeReviewSample_ReachesTheThreshold_AfterOneImprovement()
    {
        var definition = Load("code-review.yaml");
        using var services = NodeServices.Create();
        var registry = services.Registry();
        var state = new JsonObject { ["threshold"] = 7, ["code"] = "def hello(): pass" };
        var visited = new List<string>();

        // The engine's walk, by hand: run a node, merge its output into the state, follow the first matching edge.
        var node = definition.Entry!;
        while (node != WorkflowDefinition.EndNode)
        {
            visited.Add(node);
            var invocation = Invocations.Create(JsonSerializer.Serialize(definition.Nodes[node], JsonSerializerOptions.Web), state: state, node: node);
            var outcome = await registry.ExecuteAsync(invocation, CancellationToken.None);
            foreach (var (key, value) in outcome.Output!.AsObject())
            {
                state[key] = value?.DeepClone();
            }

            var context = invocation.Context with { State = state };
            node = definition.Edges.First(edge => edge.From == node && (edge.When is null || invocation.Expressions.GetExpression(edge.When).EvaluateCondition(context))).To;
        }

        Assert.Equal(["extract", "analyze", "improve", "analyze"], visited);
        Assert.Equal(7.5, state["quality_score"]!.GetValue<double>());
        Assert.Equal(1, state["improvements"]!.GetValue<int>());
        Assert.Equal(["hello"], state["functions"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task ShellHttpSample_PutsTheGreetingInTheOutput_WhenTheShellNodeRuns()
    {
        var definition = Load("shell-http.yaml");
        using var services = NodeServices.Create();

        var outcome = await services.Registry().ExecuteAsync(
            Invocations.Create(JsonSerializer.Serialize(definition.Nodes["greet"], JsonSerializerOptions.Web), node: "greet"),
            CancellationToken.None);

        Assert.Equal("hello", outcome.Output!["greeting"]!.GetValue<string>());
    }

    [Fact]
    public async Task DagFanoutSample_SquaresEachElement_WhenTheForEachNodeRuns()
    {
        var definition = Load("dag-fanout.yaml");
        using var services = NodeServices.Create();
        var square = JsonSerializer.Serialize(definition.Nodes["square"], JsonSerializerOptions.Web);

        var outcome = await services.Registry().ExecuteAsync(
            Invocations.Create(square, node: "square", itemIndex: 2, item: JsonValue.Create(3)), CancellationToken.None);

        Assert.Equal("""{"n":3,"square":9}""", outcome.Output!.ToJsonString());
    }

    private static List<string> SampleFiles() =>
        [.. Directory.EnumerateFiles(SamplesFolder(), "*.yaml").Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal)];

    private static WorkflowDefinition Load(string file) =>
        DefinitionLoader.Load(File.ReadAllText(Path.Combine(SamplesFolder(), file))).Definition!;

    /// <summary>The repository's samples folder, found above the test binaries or, failing that, above this file.</summary>
    private static string SamplesFolder([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Orleans.Orchestrator.sln")))
                {
                    return Path.Combine(folder.FullName, "samples");
                }
            }
        }

        throw new InvalidOperationException($"No Orleans.Orchestrator.sln above {AppContext.BaseDirectory} or {sourceFile}.");
    }
}
