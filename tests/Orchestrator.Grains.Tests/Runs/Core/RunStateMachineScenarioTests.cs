using System.Text.Json.Nodes;
using Orchestrator.Loops;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Grains.Tests.Runs.Core;

/// <summary>The engine's rules as a table: each row drives the core through commands and compares every event and effect
/// of every step, with no host.</summary>
public sealed class RunStateMachineScenarioTests
{
    private const string Diamond = """
        name: diamond
        nodes:
          start: { type: noop }
          left:  { type: noop, dependsOn: [start] }
          right: { type: noop, dependsOn: [start] }
          join:  { type: noop, dependsOn: [left, right] }
        """;

    private const string Edges = """
        name: edges
        entry: a
        nodes:
          a: { type: noop }
          b: { type: noop }
          c: { type: noop }
        edges:
          - { from: a, to: b, when: "state.x > 1" }
          - { from: a, to: c, when: "state.x > 0" }
          - { from: b, to: END }
          - { from: c, to: END }
        """;

    private const string Flaky = """
        name: flaky
        nodes:
          call: { type: noop, retry: { maxAttempts: 3, initialDelay: 1s, multiplier: 3 } }
        """;

    private const string Parent = """
        name: parent
        nodes:
          call: { type: workflow, workflow: child }
          use:  { type: noop, dependsOn: [call] }
        """;

    private const string SubRunId = "r.call.1.1";

    private static readonly Dictionary<string, CoreScenario> Table = new(StringComparer.Ordinal)
    {
        ["DAG: fan-out after a node, join once both branches completed (results arriving together applied together)"] = new CoreScenario(Diamond)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started start#1.1"], ["launch start#1.1"])
            .Step(run => run.Finish(run.Succeeded("start")), ["node.completed start#1.1", "node.started left#1.1", "node.started right#1.1"], ["launch left#1.1", "launch right#1.1"])
            .Step(run => run.Finish(run.Succeeded("left"), run.Succeeded("right")), ["node.completed left#1.1", "node.completed right#1.1", "node.started join#1.1"], ["launch join#1.1"])
            .Step(run => run.Finish(run.Succeeded("join")), ["node.completed join#1.1", "run.completed"], ["cancel all attempts"]),

        ["DAG: forEach starts one attempt per element and joins the outputs in list order"] = new CoreScenario("""
            name: fanout
            state: { numbers: [1, 2, 3] }
            nodes:
              square: { type: set, forEach: "state.numbers", values: { squared: "item * item" } }
              total:  { type: noop, dependsOn: [square] }
            """)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started square#1.1[0]", "node.started square#1.1[1]", "node.started square#1.1[2]"],
                ["launch square#1.1[0]", "launch square#1.1[1]", "launch square#1.1[2]"])
            .Step(run => run.Finish(run.Succeeded("square", Squared(9), item: 2)), ["node.completed square#1.1[2]"], [])
            .Step(run => run.Finish(run.Succeeded("square", Squared(1), item: 0), run.Succeeded("square", Squared(4), item: 1)),
                ["node.completed square#1.1[0]", "node.completed square#1.1[1]", "node.completed square#1.0", "node.started total#1.1"], ["launch total#1.1"])
            .Then(run => Assert.Equal("""[{"squared":1},{"squared":4},{"squared":9}]""", run.State.Nodes["square"].Output!.ToJsonString())),

        ["graph: the first edge whose condition holds is taken, in declared order"] = new CoreScenario(Edges)
            .Step(run => run.Start(new JsonObject { ["x"] = 2 }), ["run.created", "run.started", "node.started a#1.1"], ["launch a#1.1"])
            .Step(run => run.Finish(run.Succeeded("a")), ["node.completed a#1.1", "transition a->b", "node.started b#1.1"], ["launch b#1.1"])
            .Step(run => run.Finish(run.Succeeded("b")), ["node.completed b#1.1", "transition b->END", "run.completed"], ["cancel all attempts"])
            .Then(run => Assert.Equal("END", run.State.CurrentNode)),

        ["graph: a later edge is taken when the earlier ones do not hold"] = new CoreScenario(Edges)
            .Step(run => run.Start(new JsonObject { ["x"] = 1 }), ["run.created", "run.started", "node.started a#1.1"], ["launch a#1.1"])
            .Step(run => run.Finish(run.Succeeded("a")), ["node.completed a#1.1", "transition a->c", "node.started c#1.1"], ["launch c#1.1"]),

        ["graph: no edge holding fails the run, naming the node"] = new CoreScenario(Edges)
            .Step(run => run.Start(new JsonObject { ["x"] = 0 }), ["run.created", "run.started", "node.started a#1.1"], ["launch a#1.1"])
            .Step(run => run.Finish(run.Succeeded("a")),
                ["node.completed a#1.1",
                    "node.skipped b: the run failed: no edge out of 'a' matched: to b when state.x > 1; to c when state.x > 0",
                    "node.skipped c: the run failed: no edge out of 'a' matched: to b when state.x > 1; to c when state.x > 0",
                    "run.failed: no edge out of 'a' matched: to b when state.x > 1; to c when state.x > 0"], ["cancel all attempts"]),

        ["graph: a cycle runs until a node would start more than maxIterations times"] = new CoreScenario("""
            name: counter
            entry: inc
            maxIterations: 2
            state: { count: 0 }
            nodes:
              inc: { type: set, values: { count: "state.count + 1" } }
            edges:
              - { from: inc, to: inc }
            """)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started inc#1.1"], ["launch inc#1.1"])
            .Step(run => run.Finish(run.Succeeded("inc", new JsonObject { ["count"] = 1 })), ["node.completed inc#1.1", "transition inc->inc", "node.started inc#2.1"], ["launch inc#2.1"])
            .Step(run => run.Finish(run.Succeeded("inc", new JsonObject { ["count"] = 2 })),
                ["node.completed inc#2.1", "transition inc->inc", "system inc#2: Max iterations reached", "run.completed"], ["cancel all attempts"])
            .Then(run => Assert.Equal((2, "2"), (run.State.Nodes["inc"].Iterations, run.State.State["count"]!.ToJsonString()))),

        ["DAG: onFailure continue records the error and lets dependents run"] = new CoreScenario("""
            name: tolerant
            nodes:
              flaky: { type: noop, onFailure: continue, retry: { maxAttempts: 1 } }
              after: { type: noop, dependsOn: [flaky] }
            """)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started flaky#1.1"], ["launch flaky#1.1"])
            .Step(run => run.Finish(run.Failed("flaky")), ["node.failed flaky#1.1: broken", "error.recorded flaky#1.1 r.flaky.1", "node.started after#1.1"],
                ["create error record r.flaky.1", "launch after#1.1"])
            .Step(run => run.Finish(run.Succeeded("after")), ["node.completed after#1.1", "run.completed"], ["cancel all attempts"]),

        ["DAG: by default a failed node fails the run and its dependents are skipped"] = new CoreScenario("""
            name: strict
            nodes:
              flaky: { type: noop, retry: { maxAttempts: 1 } }
              after: { type: noop, dependsOn: [flaky] }
            """)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started flaky#1.1"], ["launch flaky#1.1"])
            .Step(run => run.Finish(run.Failed("flaky")),
                ["node.failed flaky#1.1: broken", "error.recorded flaky#1.1 r.flaky.1", "node.skipped after: the run failed: node 'flaky' failed: broken", "run.failed: node 'flaky' failed: broken"],
                ["create error record r.flaky.1", "cancel all attempts"])
            .Then(run => Assert.Equal((NodeStatus.Skipped, "the run failed: node 'flaky' failed: broken"), (run.State.Nodes["after"].Status, run.State.Nodes["after"].Error))),

        ["retries: attempt n+1 starts initialDelay·multiplier^(n-1) after attempt n failed, not before"] = new CoreScenario(Flaky)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started call#1.1"], ["launch call#1.1"])
            .Step(run => run.Finish(run.Failed("call")), ["node.retry_scheduled call#1.1 in 1000ms"], ["arm retry|call in 1000ms"])
            .NoChange(run => run.RetriesDueAt(TimeSpan.FromMilliseconds(999)))
            .Step(run => run.RetriesDueAt(TimeSpan.FromSeconds(1)), ["node.started call#1.2"], ["launch call#1.2"])
            .Step(run => run.Finish(run.Failed("call")), ["node.retry_scheduled call#1.2 in 3000ms"], ["arm retry|call in 3000ms"])
            .Step(run => run.RetriesDueAt(TimeSpan.FromSeconds(4)), ["node.started call#1.3"], ["launch call#1.3"])
            .Step(run => run.Finish(run.Failed("call")), ["node.failed call#1.3: broken", "error.recorded call#1.3 r.call.1", "run.failed: node 'call' failed: broken"],
                ["create error record r.call.1", "cancel all attempts"]),

        ["node timeout: an attempt that timed out is a failed attempt, and the timeout travels with the attempt"] = new CoreScenario("""
            name: slow-node
            nodes:
              wait: { type: delay, duration: 1m, timeout: 5s, retry: { maxAttempts: 1 } }
            """)
            .Step(StartAndCheckTheTimeoutTravels, ["run.created", "run.started", "node.started wait#1.1"], ["launch wait#1.1"])
            .Step(run => run.Finish(run.Failed("wait", "timed out after 5s")),
                ["node.failed wait#1.1: timed out after 5s", "error.recorded wait#1.1 r.wait.1", "run.failed: node 'wait' failed: timed out after 5s"],
                ["create error record r.wait.1", "cancel all attempts"]),

        ["run timeout: armed at the start; when it fires running nodes are cancelled and the run fails"] = new CoreScenario("""
            name: slow-run
            timeout: 30s
            nodes:
              wait: { type: noop }
            """)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started wait#1.1"], ["arm run-timeout in 30000ms", "launch wait#1.1"])
            .Step(run => run.Apply(new RunCommand.RunTimedOut()), ["node.cancelled wait#1.1", "run.failed: run timed out after 30s"], ["cancel all attempts", "disarm run-timeout"])
            .NoChange(run => run.Finish(run.Succeeded("wait"))),

        ["pause: a retry that falls due waits; resume starts it"] = new CoreScenario(Flaky)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started call#1.1"], ["launch call#1.1"])
            .Step(run => run.Finish(run.Failed("call")), ["node.retry_scheduled call#1.1 in 1000ms"], ["arm retry|call in 1000ms"])
            .Step(run => run.Apply(new RunCommand.Pause()), ["run.paused"], [])
            .NoChange(run => run.RetriesDueAt(TimeSpan.FromSeconds(30)))
            .Step(run => run.Apply(new RunCommand.Resume()), ["run.resumed", "node.started call#1.2"], ["launch call#1.2"]),

        ["signals: a named signal is stored under its name, an unnamed one merged, and edges read them"] = new CoreScenario("""
            name: approval
            entry: wait
            nodes:
              wait:    { type: noop }
              approve: { type: noop }
              reject:  { type: noop }
            edges:
              - { from: wait, to: approve, when: "state.approval.ok == true" }
              - { from: wait, to: reject }
            """)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started wait#1.1"], ["launch wait#1.1"])
            .Step(run => run.Apply(new RunCommand.Signal("approval", new JsonObject { ["ok"] = true })), ["run.signalled approval"], [])
            .Step(run => run.Apply(new RunCommand.Signal("", new JsonObject { ["by"] = "alice" })), ["run.signalled "], [])
            .Step(run => run.Finish(run.Succeeded("wait")), ["node.completed wait#1.1", "transition wait->approve", "node.started approve#1.1"], ["launch approve#1.1"])
            .Then(run => Assert.Equal("""{"approval":{"ok":true},"by":"alice"}""", run.State.State.ToJsonString())),

        ["cancel mid-attempt: running nodes are cancelled, pending ones skipped, and a late result changes nothing"] = new CoreScenario(Diamond)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started start#1.1"], ["launch start#1.1"])
            .Step(run => run.Finish(run.Succeeded("start")), ["node.completed start#1.1", "node.started left#1.1", "node.started right#1.1"], ["launch left#1.1", "launch right#1.1"])
            .Step(run => run.Apply(new RunCommand.Cancel("stop")),
                ["node.cancelled left#1.1", "node.cancelled right#1.1", "node.skipped join: the run was cancelled", "run.cancelled: stop"], ["cancel all attempts"])
            .NoChange(run => run.Finish(run.Result("left") with { Attempt = 1, Succeeded = true }))
            .NoChange(run => run.Apply(new RunCommand.Cancel("again")))
            .Then(run => Assert.Equal(NodeStatus.Skipped, run.State.Nodes["join"].Status)),

        ["sub-runs: the node waits for its sub-run and completes with the sub-run's state; the same report again changes nothing"] = new CoreScenario(Parent)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started call#1.1"], ["launch call#1.1"])
            .Step(run => run.Finish(run.Succeeded("call") with { AwaitingSubRun = SubRunId }), [$"system call#1.1: sub-run {SubRunId} started"], [])
            .NoChange(run => run.Finish(run.Succeeded("call") with { AwaitingSubRun = SubRunId }))
            .Step(run => run.Apply(new RunCommand.SubRunEnded(SubRunId, Child(RunStatus.Completed))), ["node.completed call#1.1", "node.started use#1.1"], ["launch use#1.1"])
            .Then(run => Assert.Equal("42", run.State.Nodes["call"].Output!["state"]!["doubled"]!.ToJsonString())),

        ["sub-runs: a sub-run that ends before its start was reported still completes the node, and the late report changes nothing"] = new CoreScenario(Parent)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started call#1.1"], ["launch call#1.1"])
            .Step(run => run.Apply(new RunCommand.SubRunEnded(SubRunId, Child(RunStatus.Completed))), ["node.completed call#1.1", "node.started use#1.1"], ["launch use#1.1"])
            .NoChange(run => run.Finish(run.Succeeded("call") with { AwaitingSubRun = SubRunId })),

        ["sub-runs: cancelling the parent cancels the sub-run it waits for"] = new CoreScenario(Parent)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started call#1.1"], ["launch call#1.1"])
            .Step(run => run.Finish(run.Succeeded("call") with { AwaitingSubRun = SubRunId }), [$"system call#1.1: sub-run {SubRunId} started"], [])
            .Step(run => run.Apply(new RunCommand.Cancel("stop")), ["node.cancelled call#1.1", "node.skipped use: the run was cancelled", "run.cancelled: stop"],
                [$"cancel sub-run {SubRunId}", "cancel all attempts"]),

        ["sub-runs: a sub-run that ends tells its parent"] = new CoreScenario("""
            name: child
            nodes:
              double: { type: noop }
            """)
            .Step(run => run.Start(parent: new ParentLink("p", "call", 1, 1)), ["run.created", "run.started", "node.started double#1.1"], ["launch double#1.1"])
            .Step(run => run.Finish(run.Succeeded("double")), ["node.completed double#1.1", "run.completed"], ["cancel all attempts", "notify parent p"]),

        ["recovery: an attempt that was running when the silo stopped is retried at once with the next attempt number"] = new CoreScenario(Flaky)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started call#1.1"], ["launch call#1.1"])
            .Step(run => run.Apply(new RunCommand.Recover(new Dictionary<string, RunSnapshot?>())),
                ["node.retry_scheduled call#1.1 in 1000ms", "run.recovered interrupted=1", "node.started call#1.2"], ["arm retry|call in 1000ms", "launch call#1.2"])
            .NoChange(run => run.Finish(run.Result("call") with { Attempt = 1, Succeeded = true })),

        ["recovery: a node waiting for a sub-run that ended meanwhile takes its end"] = new CoreScenario(Parent)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started call#1.1"], ["launch call#1.1"])
            .Step(run => run.Finish(run.Succeeded("call") with { AwaitingSubRun = SubRunId }), [$"system call#1.1: sub-run {SubRunId} started"], [])
            .Step(run => run.Apply(new RunCommand.Recover(new Dictionary<string, RunSnapshot?> { [SubRunId] = Child(RunStatus.Running) })), ["run.recovered interrupted=0"], [])
            .Step(run => run.Apply(new RunCommand.Recover(new Dictionary<string, RunSnapshot?> { [SubRunId] = Child(RunStatus.Completed) })),
                ["node.completed call#1.1", "run.recovered interrupted=0", "node.started use#1.1"], ["launch use#1.1"]),

        ["loops: started with the run, paused and resumed with it; the run ends with its last loop"] = new CoreScenario("""
            name: looping
            loops:
              sensor: { producer: { type: interval, every: 1s }, chain: [ { node: read } ] }
            nodes:
              read: { type: noop }
            """)
            .Step(run => run.Start(), ["run.created", "run.started", "loop.started sensor"], ["start loops sensor"])
            .Step(run => run.Apply(new RunCommand.Pause()), ["run.paused"], ["pause loops r:sensor"])
            .Step(run => run.Apply(new RunCommand.Resume()), ["run.resumed"], ["resume loops r:sensor"])
            .Step(run => run.Apply(new RunCommand.LoopEnded("sensor", LoopStatus.Error, "boom")),
                ["loop.ended sensor error", "run.failed: loop 'sensor' stopped on an error: boom"], ["cancel all attempts"]),

        ["error records: retrying a failed node by hand runs it again and the run goes on from there"] = new CoreScenario("""
            name: once-broken
            nodes:
              first: { type: noop }
              call:  { type: noop, retry: { maxAttempts: 1 }, dependsOn: [first] }
              after: { type: noop, dependsOn: [call] }
            """)
            .Step(run => run.Start(), ["run.created", "run.started", "node.started first#1.1"], ["launch first#1.1"])
            .Step(run => run.Finish(run.Succeeded("first")), ["node.completed first#1.1", "node.started call#1.1"], ["launch call#1.1"])
            .Step(run => run.Finish(run.Failed("call")),
                ["node.failed call#1.1: broken", "error.recorded call#1.1 r.call.1", "node.skipped after: the run failed: node 'call' failed: broken", "run.failed: node 'call' failed: broken"],
                ["create error record r.call.1", "cancel all attempts"])
            .Step(run => run.Apply(new RunCommand.RetryNode("call", "r.call.1")), ["system call#1: node 'call' retried for error record r.call.1", "node.started call#1.2"], ["launch call#1.2"])
            .Step(run => run.Finish(run.Succeeded("call")), ["node.completed call#1.2", "node.started after#1.1"], ["report r.call.1 succeeded", "launch after#1.1"]),
    };

    public static TheoryData<string> Scenarios => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_GivesExactlyTheEventsAndEffectsOfEachStep(string scenario) => Table[scenario].Play();

    private static JsonObject Squared(int value) => new() { ["squared"] = value };

    private static RunSnapshot Child(RunStatus status) => new()
    {
        RunId = SubRunId,
        Workflow = "child",
        Status = status,
        State = new JsonObject { ["doubled"] = 42 },
        Parent = new ParentLink("r", "call", 1, 1),
    };

    /// <summary>The attempt runner enforces a node's timeout: the launch carries it.</summary>
    private static RunTransition StartAndCheckTheTimeoutTravels(CoreRun run)
    {
        var started = run.Start();
        Assert.Equal("5s", started.Effects.OfType<RunEffect.LaunchAttempt>().Single().Invocation.Definition.Timeout);
        return started;
    }
}
