using System.Collections.ObjectModel;
using System.Text.Json;
using Orchestrator.Definitions;
using static Orchestrator.Grains.Tests.Definitions.ValidationAssert;

namespace Orchestrator.Grains.Tests.Definitions;

public sealed class DefinitionValidatorTests
{
    [Theory]
    [InlineData(SampleDefinitions.GraphYaml)]
    [InlineData(SampleDefinitions.LoopsYaml)]
    public void Validator_ReportsNothing_WhenDefinitionIsTheDesignSample(string yaml)
    {
        Assert.Empty(ProblemsOf(yaml));
    }

    [Theory]
    [InlineData("Code-Review")]
    [InlineData("code review")]
    [InlineData("")]
    public void Validator_ReportsPath_WhenNameHasInvalidCharacters(string name)
    {
        var problems = ProblemsOf($"name: \"{name}\"\nnodes: {{ a: {{ type: noop }} }}\n");

        AssertProblem(problems, "name", "a-z, 0-9");
    }

    [Fact]
    public void Validator_ReportsPath_WhenNameIsLongerThanTheLimit()
    {
        var problems = ProblemsOf($"name: {new string('a', DefinitionLimits.MaxNameLength + 1)}\nnodes: {{ a: {{ type: noop }} }}\n");

        AssertProblem(problems, "name", "1 to 100");
    }

    [Fact]
    public void Validator_AcceptsName_WhenExactlyAtTheLimit()
    {
        Assert.Empty(ProblemsOf($"name: {new string('a', DefinitionLimits.MaxNameLength)}\nnodes: {{ a: {{ type: noop }} }}\n"));
    }

    [Fact]
    public void Validator_ReportsPath_WhenNodeTypeIsUnknown()
    {
        var problems = ProblemsOf(Dag("a: { type: python, script: x.py }"));

        var problem = Assert.Single(problems);
        Assert.Equal("nodes.a.type", problem.Path);
        Assert.Contains("unknown node type 'python'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReportsPath_WhenNodeTypeIsMissing()
    {
        AssertProblem(ProblemsOf(Dag("a: { timeout: 1s }")), "nodes.a.type", "required");
    }

    [Theory]
    [InlineData("a: { type: delay }", "nodes.a.duration")]
    [InlineData("a: { type: log }", "nodes.a.message")]
    [InlineData("a: { type: set }", "nodes.a.values")]
    [InlineData("a: { type: shell }", "nodes.a.command")]
    [InlineData("a: { type: http, url: \"http://x\" }", "nodes.a.method")]
    [InlineData("a: { type: http, method: GET }", "nodes.a.url")]
    [InlineData("a: { type: dotnet }", "nodes.a.class")]
    [InlineData("a: { type: dotnet, class: \"  \" }", "nodes.a.class")]
    [InlineData("a: { type: workflow }", "nodes.a.workflow")]
    [InlineData("a: { type: queue.push }", "nodes.a.queue")]
    public void Validator_ReportsPath_WhenRequiredSettingIsMissing(string node, string path)
    {
        AssertProblem(ProblemsOf(Dag(node)), path, "required");
    }

    [Theory]
    [InlineData("a: { type: shell, command: \"rm -rf /tmp/x\" }", "nodes.a.command", "non-empty list of strings")]
    [InlineData("a: { type: shell, command: [] }", "nodes.a.command", "non-empty list of strings")]
    [InlineData("a: { type: shell, command: [ls, 5] }", "nodes.a.command[1]", "must be a string")]
    [InlineData("a: { type: shell, command: [\"\", x] }", "nodes.a.command[0]", "must not be empty")]
    [InlineData("a: { type: shell, command: [ls], env: { A: 1 } }", "nodes.a.env.A", "must be a string")]
    [InlineData("a: { type: http, method: FETCH, url: \"http://x\" }", "nodes.a.method", "must be one of")]
    [InlineData("a: { type: http, method: GET, url: \"ftp://x\" }", "nodes.a.url", "not an absolute http")]
    [InlineData("a: { type: http, method: GET, url: \"http://x\", headers: [a] }", "nodes.a.headers", "mapping")]
    [InlineData("a: { type: fail, times: -1 }", "nodes.a.times", "whole number")]
    [InlineData("a: { type: set, values: {} }", "nodes.a.values", "at least one")]
    [InlineData("a: { type: workflow, workflow: Other_Flow }", "nodes.a.workflow", "not a workflow name")]
    [InlineData("a: { type: queue.push, queue: \"Readings!\" }", "nodes.a.queue", "not a queue name")]
    public void Validator_ReportsPath_WhenSettingHasTheWrongShape(string node, string path, string message)
    {
        AssertProblem(ProblemsOf(Dag(node)), path, message);
    }

    [Fact]
    public void Validator_ReportsPath_WhenNodeHasAPropertyNoNodeTypeUses()
    {
        var problem = Assert.Single(ProblemsOf(Dag("a: { type: noop, colour: red }")));

        Assert.Equal("nodes.a.colour", problem.Path);
        Assert.Contains("unknown property 'colour'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReportsPath_WhenNodeHasASettingOfAnotherType()
    {
        var problem = Assert.Single(ProblemsOf(Dag("a: { type: delay, duration: 1s, url: \"http://x\" }")));

        Assert.Equal("nodes.a.url", problem.Path);
        Assert.Contains("belongs to http, agent nodes", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timeout: 30x", "nodes.a.timeout")]
    [InlineData("timeout: 0s", "nodes.a.timeout")]
    [InlineData("timeout: 30", "nodes.a.timeout")]
    [InlineData("retry: { initialDelay: soon }", "nodes.a.retry.initialDelay")]
    [InlineData("retry: { maxDelay: 1 minute }", "nodes.a.retry.maxDelay")]
    public void Validator_ReportsPath_WhenDurationIsInvalid(string setting, string path)
    {
        AssertProblem(ProblemsOf(Dag($"a: {{ type: noop, {setting} }}")), path, "");
    }

    [Fact]
    public void Validator_ReportsPath_WhenDelayDurationIsInvalid()
    {
        AssertProblem(ProblemsOf(Dag("a: { type: delay, duration: 5 minutes }")), "nodes.a.duration", "not a duration");
    }

    [Fact]
    public void Validator_ReportsPath_WhenWorkflowTimeoutIsInvalid()
    {
        AssertProblem(ProblemsOf("name: t\ntimeout: 1h30\nnodes: { a: { type: noop } }\n"), "timeout", "expected a unit");
    }

    [Fact]
    public void Validator_ReportsPath_WhenRetryMultiplierBelowOne()
    {
        var problem = Assert.Single(ProblemsOf(Dag("analyze: { type: noop, retry: { multiplier: 0.5 } }")));

        Assert.Equal("nodes.analyze.retry.multiplier", problem.Path);
        Assert.Equal("must be ≥ 1", problem.Message);
        Assert.Equal("nodes.analyze.retry.multiplier: must be ≥ 1", problem.ToString());
    }

    [Theory]
    [InlineData("maxAttempts: 0", "nodes.a.retry.maxAttempts", "between 1 and 100")]
    [InlineData("maxAttempts: 101", "nodes.a.retry.maxAttempts", "between 1 and 100")]
    [InlineData("jitter: 1.5", "nodes.a.retry.jitter", "between 0 and 1")]
    [InlineData("jitter: -0.1", "nodes.a.retry.jitter", "between 0 and 1")]
    [InlineData("initialDelay: 1m, maxDelay: 30s", "nodes.a.retry.maxDelay", "≥ initialDelay (1m)")]
    public void Validator_ReportsPath_WhenRetryIsOutOfBounds(string retry, string path, string message)
    {
        AssertProblem(ProblemsOf(Dag($"a: {{ type: noop, retry: {{ {retry} }} }}")), path, message);
    }

    [Fact]
    public void Validator_ReportsPath_WhenForEachIsInvalid()
    {
        AssertProblem(ProblemsOf(Dag("a: { type: noop, forEach: \"state.items[\" }")), "nodes.a.forEach", "invalid expression");
    }

    [Fact]
    public void Validator_ReportsPath_WhenSetValueIsInvalid()
    {
        AssertProblem(ProblemsOf(Dag("a: { type: set, values: { total: \"state.a +* 2\", fixed: 3 } }")), "nodes.a.values.total", "position 10");
    }

    [Fact]
    public void Validator_ReportsPath_WhenTemplateInsideNestedConfigIsInvalid()
    {
        var problems = ProblemsOf(Dag("a: { type: http, method: POST, url: \"http://x/${state.id}\", body: { items: [ok, \"${len(}\"] } }"));

        var problem = Assert.Single(problems);
        Assert.Equal("nodes.a.body.items[1]", problem.Path);
        Assert.Contains("invalid template", problem.Message, StringComparison.Ordinal);
        Assert.Contains("position 7", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReportsPath_WhenExpressionReadsAMissingNode()
    {
        AssertProblem(
            ProblemsOf(Dag("a: { type: noop }\n  b: { type: log, message: \"${nodes.ghost.output}\", dependsOn: [a] }")),
            "nodes.b.message",
            "no node 'ghost'");
    }

    [Fact]
    public void Validator_ReportsPath_WhenExpressionIsLongerThanTheLimit()
    {
        var expression = string.Join(" + ", Enumerable.Repeat("1", DefinitionLimits.MaxExpressionBytes / 4 + 10));

        AssertProblem(ProblemsOf(Dag($"a: {{ type: noop, forEach: \"{expression}\" }}")), "nodes.a.forEach", "longer than 4096 bytes");
    }

    [Fact]
    public void Validator_ReportsPath_WhenNodeNameIsInvalid()
    {
        AssertProblem(ProblemsOf(Dag("\"my node\": { type: noop }")), "nodes.my node", "invalid node name");
    }

    [Fact]
    public void Validator_ReportsPath_WhenNodeIsNamedEnd()
    {
        AssertProblem(ProblemsOf(Dag("END: { type: noop }")), "nodes.END", "reserved");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void Validator_ReportsPath_WhenMaxIterationsIsOutOfRange(int maxIterations)
    {
        AssertProblem(ProblemsOf($"name: m\nmaxIterations: {maxIterations}\nnodes: {{ a: {{ type: noop }} }}\n"), "maxIterations", "between 1 and 10000");
    }

    [Fact]
    public void Validator_ReportsPath_WhenThereAreNoNodes()
    {
        AssertProblem(ProblemsOf("name: empty\n"), "nodes", "at least one node");
    }

    [Fact]
    public void Validator_ReportsPath_WhenThereAreMoreNodesThanTheLimit()
    {
        var nodes = new OrderedDictionary<string, NodeDefinition>();
        for (var i = 0; i <= DefinitionLimits.MaxNodes; i++)
        {
            nodes[$"n{i}"] = new NodeDefinition { Type = NodeTypes.Noop };
        }

        var problems = DefinitionValidator.Validate(new WorkflowDefinition { Name = "many", Nodes = nodes });

        AssertProblem(problems, "nodes", "at most 1000 nodes");
    }

    [Fact]
    public void Validator_ReportsSize_WhenDefinitionBuiltInCodeExceedsOneMebibyte()
    {
        var state = new Dictionary<string, JsonElement>
        {
            ["blob"] = JsonSerializer.SerializeToElement(new string('x', DefinitionLimits.MaxDefinitionBytes)),
        };
        var definition = new WorkflowDefinition
        {
            Name = "big",
            State = new ReadOnlyDictionary<string, JsonElement>(state),
            Nodes = new Dictionary<string, NodeDefinition> { ["a"] = new() { Type = NodeTypes.Noop } },
        };

        AssertProblem(DefinitionValidator.Validate(definition), "", "1 MiB");
    }

    [Fact]
    public void Validator_ReportsPath_WhenOnFailureIsUnknown()
    {
        AssertProblem(ProblemsOf(Dag("a: { type: noop, onFailure: ignore }")), "nodes.a.onFailure", "failRun, continue");
    }

    [Fact]
    public void Validator_ReportsPath_WhenSeverityIsUnknown()
    {
        AssertProblem(ProblemsOf(Dag("a: { type: noop, severity: urgent }")), "nodes.a.severity", "low, medium, high, critical");
    }

    [Fact]
    public void Validator_ListsEveryProblem_WhenDefinitionHasManyAtOnce()
    {
        const string yaml = """
            name: Bad Name
            maxIterations: 0
            entry: missing
            nodes:
              extract: { type: dotnet }
              analyze: { type: dotnet, class: X, timeout: soon,
                         retry: { maxAttempts: 0, multiplier: 0.5, jitter: 2, initialDelay: 1m, maxDelay: 1s } }
              improve: { type: http, method: POST, url: "http://x/${state.}", colour: red }
              wait:    { type: delay, duration: forever }
              teleport: { type: teleport }
              island:  { type: noop, dependsOn: [extract] }
            edges:
              - { from: extract, to: analyze }
              - { from: analyze, to: nowhere, when: "state.score >>= 3" }
              - { from: analyze, to: improve }
            loops:
              sensor:
                pool: gpu
                producer: { type: cron, expression: "* * *", timeZone: Nowhere/Land }
                chain: [{ node: ghost, mode: eventually }]
                onError: shrug
                maxInFlight: 0
            """;

        var paths = ProblemsOf(yaml).Select(problem => problem.Path).ToList();

        string[] expected =
        [
            "name",
            "maxIterations",
            "entry",
            "nodes.extract.class",
            "nodes.analyze.timeout",
            "nodes.analyze.retry.maxAttempts",
            "nodes.analyze.retry.multiplier",
            "nodes.analyze.retry.jitter",
            "nodes.analyze.retry.maxDelay",
            "nodes.improve.url",
            "nodes.improve.colour",
            "nodes.wait.duration",
            "nodes.teleport.type",
            "nodes.island.dependsOn",
            "edges[1].to",
            "edges[1].when",
            "loops.sensor.pool",
            "loops.sensor.producer.expression",
            "loops.sensor.producer.timeZone",
            "loops.sensor.chain[0].node",
            "loops.sensor.chain[0].mode",
            "loops.sensor.onError",
            "loops.sensor.maxInFlight",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), paths.Distinct().Order(StringComparer.Ordinal));
    }
}
