using Orchestrator.Definitions;
using static Orchestrator.Grains.Tests.Definitions.ValidationAssert;

namespace Orchestrator.Grains.Tests.Definitions;

/// <summary>Validation of loops: pool, producer (interval, cron, queue, dotnet), chain and policies.</summary>
public sealed class LoopValidationTests
{
    [Fact]
    public void Validator_ReportsPath_WhenIntervalEveryIsInvalid()
    {
        AssertProblem(ProblemsOf(Loop("producer: { type: interval, every: fast }")), "loops.main.producer.every", "not a duration");
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("0 */5 * * * *")]
    public void Validator_AcceptsCron_WithFiveOrSixFields(string cron)
    {
        Assert.Empty(ProblemsOf(Loop($"producer: {{ type: cron, expression: \"{cron}\", timeZone: Europe/Berlin }}")));
    }

    [Theory]
    [InlineData("61 * * * *", "Minute")]
    [InlineData("* * *", "3 fields")]
    [InlineData("* * * * * * *", "7 fields")]
    public void Validator_ReportsPath_WhenCronIsInvalid(string cron, string message)
    {
        AssertProblem(ProblemsOf(Loop($"producer: {{ type: cron, expression: \"{cron}\" }}")), "loops.main.producer.expression", message);
    }

    [Fact]
    public void Validator_ReportsPath_WhenTimeZoneIsUnknown()
    {
        AssertProblem(
            ProblemsOf(Loop("producer: { type: cron, expression: \"0 * * * *\", timeZone: Mars/Olympus_Mons }")),
            "loops.main.producer.timeZone",
            "unknown time zone");
    }

    [Theory]
    [InlineData("pool: fibers", "loops.main.pool", "thread, async, process")]
    [InlineData("onError: explode", "loops.main.onError", "continue, pause, stop")]
    [InlineData("maxInFlight: 0", "loops.main.maxInFlight", "at least 1")]
    [InlineData("producer: { type: webhook }", "loops.main.producer.type", "unknown producer type")]
    [InlineData("producer: { type: interval }", "loops.main.producer.every", "required")]
    [InlineData("producer: { type: cron }", "loops.main.producer.expression", "required")]
    [InlineData("producer: { type: queue }", "loops.main.producer.queue", "required")]
    [InlineData("producer: { type: dotnet }", "loops.main.producer.class", "required")]
    [InlineData("producer: { type: queue, queue: readings, every: 1s }", "loops.main.producer.every", "not used by a queue producer")]
    public void Validator_ReportsPath_WhenLoopSettingIsInvalid(string setting, string path, string message)
    {
        AssertProblem(ProblemsOf(Loop(setting)), path, message);
    }

    [Fact]
    public void Validator_ReportsPath_WhenLoopHasNoProducer()
    {
        const string yaml = """
            name: loops
            nodes: { a: { type: noop } }
            loops:
              main:
                chain: [{ node: a }]
            """;

        var problem = Assert.Single(ProblemsOf(yaml));
        Assert.Equal("loops.main.producer", problem.Path);
    }

    [Fact]
    public void Validator_ReportsPath_WhenChainNamesAMissingNodeOrMode()
    {
        const string yaml = """
            name: loops
            nodes: { a: { type: noop } }
            loops:
              main:
                producer: { type: interval, every: 1s }
                chain:
                  - { node: a, mode: sometimes }
                  - { node: ghost }
            """;

        var problems = ProblemsOf(yaml);

        AssertProblem(problems, "loops.main.chain[0].mode", "blocking or nonblocking");
        AssertProblem(problems, "loops.main.chain[1].node", "unknown node 'ghost'");
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Validator_ReportsPath_WhenChainIsEmpty()
    {
        const string yaml = """
            name: loops
            nodes: { a: { type: noop } }
            loops:
              main: { producer: { type: interval, every: 1s }, chain: [] }
            """;

        AssertProblem(ProblemsOf(yaml), "loops.main.chain", "at least one node");
    }
}
