using System.Text.Json.Nodes;
using Orchestrator.Loops.Worker;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker;

/// <summary>Calls of test nodes in a worker: the worker loads the test assembly from its path.</summary>
internal static class WorkerCalls
{
    /// <summary>A bound on waits that end quickly when the worker works, so that a broken one fails the test instead of
    /// hanging it; never an assertion about time.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static NodeClassRef ClassOf<T>()
        where T : BaseNode => new(typeof(T).FullName!, typeof(T).Assembly.Location);

    public static NodeConfig Config(string name, JsonObject? settings = null) =>
        new() { Name = name, Workflow = "wf", Settings = settings ?? [] };

    public static NodeData Data(JsonNode? value = null, long iteration = 1) =>
        new() { Value = value, RunId = "loop-1", Iteration = iteration, IdempotencyKey = $"loop-1/node/{iteration}/1" };

    public static Task<JsonNode?> RunAsync<T>(
        this NodeWorkerProcess worker, string name, JsonNode? value = null, JsonObject? settings = null, CancellationToken cancellationToken = default)
        where T : BaseNode =>
        // Not WaitAsync(cancellationToken): a cancelled call must end through the worker.
        worker.RunAsync(ClassOf<T>(), Config(name, settings), Data(value), cancellationToken).WaitAsync(Bound, CancellationToken.None);

    public static async Task<int> PidAsync(this NodeWorkerProcess worker) =>
        (await worker.RunAsync<TestNodes.ExitingNode>("pid"))!.GetValue<int>();

    /// <summary>Whether the process <paramref name="pid"/> is gone.</summary>
    public static bool HasEnded(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
