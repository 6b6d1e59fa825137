using Orchestrator.Expressions;

namespace Orchestrator.Loops.Steps;

/// <summary>What every step of one loop shares.</summary>
internal sealed record LoopStepContext(
    string LoopId,
    string RunId,
    string Workflow,
    ExpressionCache Expressions,
    TimeProvider Clock,
    LoopLog Log)
{
    /// <summary><c>{loopId}/{node}/{iterationToken}/{attempt}</c>, passed on by executors to make side effects idempotent.</summary>
    public string IdempotencyKey(string node, LoopAttempt attempt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{LoopId}/{node}/{attempt.IterationToken}/{attempt.Attempt}");
}
