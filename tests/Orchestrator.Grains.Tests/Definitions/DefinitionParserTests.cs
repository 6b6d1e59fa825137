using System.Text.Json;
using Orchestrator.Definitions;

namespace Orchestrator.Grains.Tests.Definitions;

public sealed class DefinitionParserTests
{
    [Theory]
    [InlineData(SampleDefinitions.GraphYaml, SampleDefinitions.GraphJson)]
    [InlineData(SampleDefinitions.LoopsYaml, SampleDefinitions.LoopsJson)]
    public void Parser_YieldsSameModelAndHash_WhenSampleIsWrittenInYamlOrJson(string yaml, string json)
    {
        var fromYaml = DefinitionLoader.Load(yaml, DefinitionFormat.Yaml);
        var fromJson = DefinitionLoader.Load(json, DefinitionFormat.Json);

        Assert.True(fromYaml.IsValid, string.Join("\n", fromYaml.Problems));
        Assert.True(fromJson.IsValid, string.Join("\n", fromJson.Problems));
        Assert.Equal(fromJson.CanonicalJson, fromYaml.CanonicalJson);
        Assert.Equal(fromJson.ContentHash, fromYaml.ContentHash);
        Assert.Equal(
            JsonSerializer.Serialize(fromJson.Definition, JsonSerializerOptions.Web),
            JsonSerializer.Serialize(fromYaml.Definition, JsonSerializerOptions.Web));
    }

    [Fact]
    public void Parser_ReadsGraphSample_IntoTheModel()
    {
        var definition = Parse(SampleDefinitions.GraphYaml);

        Assert.Equal("code-review", definition.Name);
        Assert.Equal(7, definition.State["threshold"].GetInt32());
        Assert.Equal("extract", definition.Entry);
        Assert.Equal(3, definition.MaxIterations);
        Assert.True(definition.IsGraph);
        Assert.Equal(["extract", "analyze", "improve"], definition.Nodes.Keys);

        var analyze = definition.Nodes["analyze"];
        Assert.Equal(NodeTypes.DotNet, analyze.Type);
        Assert.Equal("CodeReview.Analyze", analyze.GetConfig("class")!.Value.GetString());
        Assert.Equal("30s", analyze.Timeout);
        Assert.Equal(new RetryPolicyDefinition { MaxAttempts = 4, InitialDelay = "1s", Multiplier = 2, MaxDelay = "1m", Jitter = 0.2 }, analyze.Retry);
        Assert.False(analyze.Config.ContainsKey("timeout"));

        var improve = definition.Nodes["improve"];
        Assert.Equal("${state}", improve.GetConfig("body")!.Value.GetString());
        Assert.Equal(4, definition.Edges.Count);
        Assert.Equal(new EdgeDefinition { From = "analyze", To = "END", When = "state.quality_score >= state.threshold" }, definition.Edges[1]);
    }

    [Fact]
    public void Parser_ReadsLoopsSample_IntoTheModel()
    {
        var definition = Parse(SampleDefinitions.LoopsYaml);

        var loop = Assert.Single(definition.Loops).Value;
        Assert.False(definition.IsGraph);
        Assert.Equal(LoopPools.Thread, loop.Pool);
        Assert.Equal(new ProducerDefinition { Type = ProducerTypes.Interval, Every = "100ms" }, loop.Producer);
        Assert.Equal(["read", "store", "push"], loop.Chain.Select(step => step.Node));
        Assert.Equal([ChainModes.Blocking, ChainModes.NonBlocking, ChainModes.Blocking], loop.Chain.Select(step => step.Mode));
        Assert.Equal(LoopErrorPolicies.Continue, loop.OnError);
        Assert.Equal(100, loop.MaxInFlight);
        var command = definition.Nodes["store"].GetConfig("command")!.Value;
        Assert.Equal(["store-reading", "${data}"], command.EnumerateArray().Select(argument => argument.GetString()));
    }

    [Fact]
    public void Model_RoundTripsThroughSystemTextJson_WithFlatNodes()
    {
        var definition = Parse(SampleDefinitions.GraphYaml);

        var json = JsonSerializer.Serialize(definition, JsonSerializerOptions.Web);
        var copy = JsonSerializer.Deserialize<WorkflowDefinition>(json, JsonSerializerOptions.Web)!;

        Assert.Contains("\"class\":\"CodeReview.Analyze\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"config\"", json, StringComparison.Ordinal);
        Assert.Equal(DefinitionCanonicalizer.ComputeContentHash(definition), DefinitionCanonicalizer.ComputeContentHash(copy));
        Assert.Equal(json, JsonSerializer.Serialize(copy, JsonSerializerOptions.Web));
        Assert.Equal(definition.Nodes["analyze"].Retry, copy.Nodes["analyze"].Retry);
    }

    [Fact]
    public void Model_SerializedJson_ParsesBackAsADefinition()
    {
        var definition = Parse(SampleDefinitions.LoopsYaml);
        var json = JsonSerializer.Serialize(definition, JsonSerializerOptions.Web);

        var reloaded = DefinitionLoader.Load(json);

        Assert.True(reloaded.IsValid, string.Join("\n", reloaded.Problems));
        Assert.Equal(DefinitionCanonicalizer.ComputeContentHash(definition), reloaded.ContentHash);
    }

    [Fact]
    public void ContentHash_IsUnchanged_WhenOnlyLayoutKeyOrderAndNumberFormChange()
    {
        const string reordered = """
            {"edges": [{"to": "b", "from": "a"}], "nodes": {"a": {"message": "hi", "type": "log"}, "b": {"type": "delay", "duration": "1s"}},
             "entry": "a", "state": {"y": 2.0, "x": [1, 2]}, "name": "flow"}
            """;
        const string yaml = """
            name: flow
            state:
              x: [1, 2]
              y: 2
            entry: a
            nodes:
              a: { type: log, message: hi }
              b: { type: delay, duration: 1s }
            edges:
              - from: a
                to: b
            """;

        Assert.Equal(DefinitionLoader.Load(yaml).ContentHash, DefinitionLoader.Load(reordered).ContentHash);
    }

    [Fact]
    public void ContentHash_Changes_WhenAnyValueChanges()
    {
        var original = DefinitionLoader.Load(SampleDefinitions.GraphYaml).ContentHash;
        var changed = DefinitionLoader.Load(SampleDefinitions.GraphYaml.Replace("threshold: 7", "threshold: 8", StringComparison.Ordinal)).ContentHash;

        Assert.NotNull(original);
        Assert.Equal(64, original.Length);
        Assert.NotEqual(original, changed);
    }

    [Fact]
    public void Parser_ReportsLineAndColumn_WhenJsonIsMalformed()
    {
        var result = DefinitionParser.Parse("{\n  \"name\": \"x\",\n  \"nodes\" {}\n}");

        Assert.Null(result.Definition);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("", problem.Path);
        Assert.Equal(3, problem.Line);
        Assert.Equal(11, problem.Column);
        Assert.StartsWith("malformed JSON", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: x\nnodes:\n  a: { type: noop\n", 4, 1)]
    [InlineData("name: x\nnodes: [a, b\n", 3, 1)]
    [InlineData("name: x\n  bad: indent\n", 2, 6)]
    [InlineData("name: 'unterminated\n", 1, 7)]
    public void Parser_ReportsLineAndColumn_WhenYamlIsMalformed(string yaml, int line, int column)
    {
        var result = DefinitionParser.Parse(yaml, DefinitionFormat.Yaml);

        Assert.Null(result.Definition);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("malformed YAML", problem.Message, StringComparison.Ordinal);
        Assert.Equal(line, problem.Line);
        Assert.Equal(column, problem.Column);
    }

    [Fact]
    public void Parser_ReportsAPosition_WhenYamlScannerFailsInternally()
    {
        var result = DefinitionParser.Parse("a: [1, 2\nb: 3", DefinitionFormat.Yaml);

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("malformed YAML", problem.Message, StringComparison.Ordinal);
        Assert.NotNull(problem.Line);
    }

    [Fact]
    public void Parser_ReportsDuplicateNode_WhenYamlRepeatsAKey()
    {
        const string yaml = """
            name: dup
            nodes:
              a: { type: noop }
              a: { type: log, message: hi }
            """;

        var result = DefinitionLoader.Load(yaml);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("nodes.a", problem.Path);
        Assert.Contains("duplicate key 'a'", problem.Message, StringComparison.Ordinal);
        Assert.Equal(4, problem.Line);
        Assert.Equal(3, problem.Column);
        Assert.Equal(NodeTypes.Noop, result.Definition!.Nodes["a"].Type);
    }

    [Fact]
    public void Parser_ReportsDuplicateKey_WhenJsonRepeatsAKey()
    {
        var result = DefinitionLoader.Load("""{"name": "dup", "nodes": {"a": {"type": "noop", "type": "log"}}}""");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("nodes.a.type", problem.Path);
        Assert.Equal(1, problem.Line);
        Assert.Equal(49, problem.Column);
    }

    [Fact]
    public void Parser_ReportsUnknownTopLevelKey_InsteadOfIgnoringIt()
    {
        var result = DefinitionLoader.Load("name: x\nnodes: { a: { type: noop } }\nnodez: {}\nMaxIterations: 3\n");

        Assert.Contains(result.Problems, problem => problem.Path == "nodez" && problem.Message.Contains("unknown property", StringComparison.Ordinal));
        Assert.Contains(result.Problems, problem => problem.Path == "MaxIterations" && problem.Message.Contains("did you mean 'maxIterations'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parser_ReportsWrongKinds_WithTheirPaths()
    {
        const string yaml = """
            name: kinds
            maxIterations: three
            nodes:
              a: { type: noop, retry: { maxAttempts: 2.5, jitter: lots }, merge: maybe, dependsOn: b }
              b: noop
            edges: { from: a }
            """;

        var problems = DefinitionLoader.Load(yaml).Problems;

        Assert.Contains(problems, p => p.Path == "maxIterations" && p.Message.StartsWith("must be a whole number", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "nodes.a.retry.maxAttempts");
        Assert.Contains(problems, p => p.Path == "nodes.a.retry.jitter" && p.Message.StartsWith("must be a number", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "nodes.a.merge");
        Assert.Contains(problems, p => p.Path == "nodes.a.dependsOn" && p.Message.StartsWith("must be a list", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "nodes.b" && p.Message.Contains("mapping", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "edges" && p.Message.StartsWith("must be a list", StringComparison.Ordinal));
    }

    [Fact]
    public void Parser_ReadsYamlScalars_ByTheCoreSchema()
    {
        const string yaml = """
            name: scalars
            state:
              quoted: "7"
              tagged: !!str 8
              integer: 9
              float: 0.5
              flag: true
              nothing: ~
              word: yes
              duration: 30s
            nodes: { a: { type: noop } }
            """;

        var state = Parse(yaml).State;

        Assert.Equal(JsonValueKind.String, state["quoted"].ValueKind);
        Assert.Equal(JsonValueKind.String, state["tagged"].ValueKind);
        Assert.Equal(9, state["integer"].GetInt32());
        Assert.Equal(0.5, state["float"].GetDouble());
        Assert.Equal(JsonValueKind.True, state["flag"].ValueKind);
        Assert.Equal(JsonValueKind.Null, state["nothing"].ValueKind);
        Assert.Equal("yes", state["word"].GetString());
        Assert.Equal("30s", state["duration"].GetString());
    }

    [Fact]
    public void Parser_ExpandsYamlAliases()
    {
        const string yaml = """
            name: aliases
            nodes:
              a: &common { type: delay, duration: 1s }
              b: *common
            """;

        var definition = Parse(yaml);

        Assert.Equal("1s", definition.Nodes["b"].GetConfig("duration")!.Value.GetString());
    }

    [Fact]
    public void Parser_RejectsAliasBombs()
    {
        var yaml = "name: x\na: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
        for (var i = 0; i < 8; i++)
        {
            var previous = (char)('a' + i);
            var next = (char)('b' + i);
            yaml += $"{next}: &{next} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n";
        }

        var result = DefinitionParser.Parse(yaml);

        Assert.Null(result.Definition);
        Assert.Contains("expands to more than", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_RejectsText_WhenLargerThanOneMebibyte()
    {
        var text = "name: big\ndescription: " + new string('x', DefinitionLimits.MaxDefinitionBytes) + "\n";

        var result = DefinitionParser.Parse(text);

        Assert.Null(result.Definition);
        Assert.Contains("1 MiB", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_RejectsSecondYamlDocument()
    {
        var result = DefinitionParser.Parse("name: a\nnodes: { a: { type: noop } }\n---\nname: b\n");

        Assert.Null(result.Definition);
        Assert.Equal(3, Assert.Single(result.Problems).Line);
    }

    [Fact]
    public void Parser_ReportsProblem_WhenDocumentIsNotAMapping()
    {
        var result = DefinitionParser.Parse("- just\n- a list\n");

        Assert.Null(result.Definition);
        Assert.Equal("", Assert.Single(result.Problems).Path);
    }

    [Fact]
    public void Parser_ReadsYamlFlowMapping_WhenTextStartsWithABraceButIsNotJson()
    {
        var result = DefinitionLoader.Load("{ name: flow, nodes: { a: { type: dotnet, class: CodeReview.ExtractFunctions } } }");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("CodeReview.ExtractFunctions", result.Definition!.Nodes["a"].GetConfig("class")!.Value.GetString());
    }

    [Fact]
    public void Parser_SkipsByteOrderMark()
    {
        Assert.True(DefinitionLoader.Load("\uFEFF{\"name\": \"bom\", \"nodes\": {\"a\": {\"type\": \"noop\"}}}").IsValid);
    }

    [Fact]
    public void ContentHash_Changes_WhenNodesAreDeclaredInAnotherOrder()
    {
        var first = DefinitionLoader.Load("name: o\nnodes:\n  a: { type: noop }\n  b: { type: noop }\n").ContentHash;
        var second = DefinitionLoader.Load("name: o\nnodes:\n  b: { type: noop }\n  a: { type: noop }\n").ContentHash;

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Loader_ValidatesDefinitionsBuiltInCode()
    {
        var definition = new WorkflowDefinition
        {
            Name = "coded",
            Nodes = new Dictionary<string, NodeDefinition>
            {
                ["a"] = new() { Type = NodeTypes.Log, Config = new Dictionary<string, JsonElement> { ["message"] = JsonSerializer.SerializeToElement("hi ${state.x}") } },
                ["b"] = new() { Type = NodeTypes.Noop, DependsOn = ["a"], Config = new Dictionary<string, JsonElement> { ["type"] = JsonSerializer.SerializeToElement("log") } },
            },
        };

        var result = DefinitionLoader.Load(definition);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("nodes.b.type", problem.Path);
        Assert.Null(result.ContentHash);
        Assert.True(DefinitionLoader.Load(definition with { Nodes = new Dictionary<string, NodeDefinition> { ["a"] = definition.Nodes["a"] } }).IsValid);
    }

    private static WorkflowDefinition Parse(string text)
    {
        var result = DefinitionParser.Parse(text);
        Assert.Empty(result.Problems);
        return result.Definition!;
    }
}
