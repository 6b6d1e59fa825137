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
    [InlineData("a: { " + Job + ", submit: { method: GET } }", "nodes.a.submit.url", "required")]
    [InlineData("a: { " + Job + ", submit: { url: \"ftp://x\" } }", "nodes.a.submit.url", "not an absolute http")]
    [InlineData("a: { " + Job + ", submit: { url: \"http://x\", method: FETCH } }", "nodes.a.submit.method", "must be one of")]
    [InlineData("a: { " + Job + ", status: { url: \"http://x\", body: {} } }", "nodes.a.status.body", "unknown property")]
    [InlineData("a: { " + Job + ", idPath: name }", "nodes.a.idPath", "must start with $")]
    [InlineData("a: { " + Job + ", donePath: \"$.a[x]\" }", "nodes.a.donePath", "neither a list index")]
    [InlineData("a: { " + Job + ", successValues: [] }", "nodes.a.successValues", "non-empty list")]
    [InlineData("a: { " + Job + ", failureValues: [{ a: 1 }] }", "nodes.a.failureValues[0]", "string, number")]
    [InlineData("a: { " + Job + ", pollEvery: soon }", "nodes.a.pollEvery", "")]
    [InlineData("a: { " + Job + ", pollEvery: { initial: 10s, max: 1s } }", "nodes.a.pollEvery.max", "≥ initial")]
    [InlineData("a: { " + Job + ", cancel: { method: POST } }", "nodes.a.cancel.url", "required")]
    [InlineData("a: { " + Job + ", status: { url: \"http://x/${jobs.id}\" } }", "nodes.a.status.url", "invalid template")]
    public void Validator_ReportsTheField_WhenAgentOrJobSettingsAreWrong(string node, string path, string message)
    {
        AssertProblem(ProblemsOf(Dag(node)), path, message);
    }

    [Fact]
    public void Validator_RefusesTheJobIdPlaceholder_OutsideStatusAndCancel()
    {
        AssertProblem(ProblemsOf(Dag("a: { " + Job + ", submit: { url: \"http://x/${job.id}\" } }")), "nodes.a.submit.url", "invalid template");
    }
}
