using static Orchestrator.Grains.Tests.Definitions.ValidationAssert;

namespace Orchestrator.Grains.Tests.Definitions;

public sealed class AgentAndJobValidationTests
{
    private const string Job = "type: job, submit: { url: \"http://jobs/run\" }, idPath: $.name, status: { url: \"http://jobs/${job.id}\" }, " +
        "donePath: $.state, successValues: [SUCCEEDED]";

    [Fact]
    public void Validator_AcceptsAgentAndJobNodes_WithTemplatesSecretsAndTheJobIdPlaceholder()
    {
        var problems = ProblemsOf(Dag(
            "a: { type: agent, url: \"http://agent:3001\", message: \"review ${state.pr}\", thread: \"pr-${state.pr}\", timeout: 5m }\n" +
            $"  j: {{ {Job}, failureValues: [FAILED], pollEvery: {{ initial: 1s, max: 30s }}, " +
            "cancel: { method: POST, url: \"http://jobs/${job.id}:cancel\", headers: { Authorization: \"Bearer ${secret.JOBS_TOKEN}\" } } }"));

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("a: { type: agent }", "nodes.a.message", "required")]
    [InlineData("a: { type: agent, message: hi, url: \"ftp://x\" }", "nodes.a.url", "not an absolute http")]
    [InlineData("a: { type: agent, message: hi, thread: [1] }", "nodes.a.thread", "must be a string")]
    [InlineData("a: { type: job }", "nodes.a.submit", "required")]
    [InlineData("a: { type: job }", "nodes.a.status", "required")]
    [InlineData("a: { type: job }", "nodes.a.idPath", "required")]
    [InlineData("a: { type: job }", "nodes.a.donePath", "required")]
    [InlineData("a: { type: job }", "nodes.a.successValues", "required")]
    public void Validator_ReportsTheField_WhenAgentOrJobSettingsAreMissing(string node, string path, string message)
    {
        AssertProblem(ProblemsOf(Dag(node)), path, message);
    }

    [Theory]
    [InlineData("submit", "{ method: GET }", "nodes.a.submit.url", "required")]
    [InlineData("submit", "{ url: \"ftp://x\" }", "nodes.a.submit.url", "not an absolute http")]
    [InlineData("submit", "{ url: \"http://x\", method: FETCH }", "nodes.a.submit.method", "must be one of")]
    [InlineData("status", "{ url: \"http://x\", body: {} }", "nodes.a.status.body", "unknown property")]
    [InlineData("status", "{ url: \"http://x/${jobs.id}\" }", "nodes.a.status.url", "invalid template")]
    [InlineData("idPath", "name", "nodes.a.idPath", "must start with $")]
    [InlineData("donePath", "\"$.a[x]\"", "nodes.a.donePath", "neither a list index")]
    [InlineData("successValues", "[]", "nodes.a.successValues", "non-empty list")]
    [InlineData("failureValues", "[{ a: 1 }]", "nodes.a.failureValues[0]", "string, number")]
    [InlineData("pollEvery", "soon", "nodes.a.pollEvery", "")]
    [InlineData("pollEvery", "{ initial: 10s, max: 1s }", "nodes.a.pollEvery.max", "≥ initial")]
    [InlineData("cancel", "{ method: POST }", "nodes.a.cancel.url", "required")]
    [InlineData("submit", "{ url: \"http://x/${job.id}\" }", "nodes.a.submit.url", "invalid template")]
    public void Validator_ReportsTheField_WhenJobSettingsAreWrong(string setting, string value, string path, string message)
    {
        AssertProblem(ProblemsOf(Dag($"a: {{ {JobWith(setting, value)} }}")), path, message);
    }

    /// <summary>A valid job node's settings with <paramref name="setting"/> set to <paramref name="value"/>.</summary>
    private static string JobWith(string setting, string value)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type"] = "job",
            ["submit"] = "{ url: \"http://jobs/run\" }",
            ["idPath"] = "$.name",
            ["status"] = "{ url: \"http://jobs/${job.id}\" }",
            ["donePath"] = "$.state",
            ["successValues"] = "[SUCCEEDED]",
        };
        settings[setting] = value;
        return string.Join(", ", settings.Select(pair => $"{pair.Key}: {pair.Value}"));
    }
}
