using System.Globalization;
using System.Text;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Grains.Tests.Runs.Core;

/// <summary>Random DAGs (up to 50 nodes, some forEach, retry policies, <c>onFailure: continue</c>) driven through the
/// core with random failures, batches, stale duplicate results, pauses and cancels. Seeds are fixed, so a failure names
/// the case that reproduces it.</summary>
public sealed class RunStateMachinePropertyTests
{
    private const int Cases = 200;

    [Fact]
    public void RandomDags_EndSettled_CompleteEachNodeOnce_AndReplayFromTheirLog()
    {
        for (var seed = 1; seed <= Cases; seed++)
        {
            var random = new Random(seed);
            var yaml = RandomDag(random);
            try
            {
                Check(yaml, random, seed);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"case {seed} failed:\n{yaml}", e);
            }
        }
    }

    private static void Check(string yaml, Random random, int seed)
    {
        var run = CoreRun.Of(yaml, seed: seed);
        var failureRate = new[] { 0, 0.1, 0.3, 0.6 }[random.Next(4)];
        var inFlight = new List<AttemptKey>();
        var launched = new HashSet<AttemptKey>();
        var reported = new List<NodeAttemptResult>();

        void Track(RunTransition transition)
        {
            foreach (var effect in transition.Effects)
            {
                switch (effect)
                {
                    case RunEffect.LaunchAttempt launch:
                        Assert.True(launched.Add(launch.Key), $"attempt {launch.Key} launched twice");
                        inFlight.Add(launch.Key);
                        break;
                    case RunEffect.CancelAttempt cancel:
                        inFlight.Remove(cancel.Key);
                        break;
                }
            }
        }

        Track(run.Start());
        for (var step = 0; !run.State.Status.IsFinished(); step++)
        {
            Assert.True(step < 10_000, "the run did not end");
            var roll = random.NextDouble();
            if (roll < 0.01)
            {
                Track(run.Apply(new RunCommand.Cancel("random cancel")));
            }
            else if (roll < 0.04 && run.State.Status == RunStatus.Running)
            {
                Track(run.Apply(new RunCommand.Pause()));
            }
            else if (run.State.Status == RunStatus.Paused && (roll < 0.5 || inFlight.Count == 0))
            {
                Track(run.Apply(new RunCommand.Resume()));
            }
            else if (inFlight.Count > 0)
            {
                var batch = inFlight.OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList();
                inFlight.RemoveAll(batch.Contains);
                var results = batch.Select(key => Outcome(key, random.NextDouble() >= failureRate)).ToList();
                if (reported.Count > 0 && random.NextDouble() < 0.1)
                {
                    results.Add(reported[random.Next(reported.Count)]);
                }

                reported.AddRange(results);
                Track(run.Finish([.. results]));
            }
            else
            {
                var due = NextRetryAt(run.State);
                Assert.True(due is not null, "the run waits for nothing, yet it has not ended");
                run.Now = due.Value;
                Track(run.Apply(new RunCommand.RetriesDue()));
            }
        }

        AssertSettled(run);
        var replay = RunEventReplay.Fold(run.Definition, run.Log);
        Assert.Equal(run.State.Status, replay.Status);
        Assert.Equal(
            run.State.Nodes.ToDictionary(pair => pair.Key, pair => RunEventReplay.Normalize(pair.Value.Status)).OrderBy(pair => pair.Key, StringComparer.Ordinal),
            replay.Nodes.OrderBy(pair => pair.Key, StringComparer.Ordinal));

        // Results that arrive after the end (cancelled attempts, duplicates) change nothing.
        foreach (var late in inFlight.Select(key => Outcome(key, succeeded: true)).Concat(reported))
        {
            Assert.False(run.Finish(late).Changed);
        }
    }

    private static void AssertSettled(CoreRun run)
    {
        var started = run.Log.Where(e => e.Type == RunEventTypes.NodeStarted).Select(e => e.Node!).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, node) in run.State.Nodes)
        {
            var never = !started.Contains(name) && node.Status is NodeStatus.Pending or NodeStatus.Ready;
            Assert.True(node.Status.IsFinished() || (never && run.State.Status == RunStatus.Failed),
                $"node {name} ended {node.Status} in a {run.State.Status} run");
            Assert.All(node.Items ?? [], item => Assert.True(item.Status.IsFinished() || item.Status == NodeStatus.Pending, $"an element of {name} ended {item.Status}"));
            var policy = RetryPolicy.From(run.Definition.Nodes[name].Retry);
            Assert.True(node.Attempts <= policy.MaxAttempts, $"node {name} made {node.Attempts} attempts");
        }

        if (run.State.Status == RunStatus.Completed)
        {
            Assert.All(run.State.Nodes.Values, node => Assert.True(node.Status is NodeStatus.Completed or NodeStatus.Failed));
        }

        var completions = run.Log.Where(e => e.Type == RunEventTypes.NodeCompleted)
            .GroupBy(e => (e.Node, Item: e.Data?["itemIndex"]?.GetValue<int>()))
            .Where(group => group.Count() > 1)
            .Select(group => group.Key)
            .ToList();
        Assert.True(completions.Count == 0, $"completed twice: {string.Join(", ", completions)}");
        Assert.Equal(Enumerable.Range(1, run.Log.Count).Select(i => (long)i), run.Log.Select(e => e.Seq));
    }

    private static NodeAttemptResult Outcome(AttemptKey key, bool succeeded) => new()
    {
        Node = key.Node,
        Iteration = key.Iteration,
        Attempt = key.Attempt,
        ItemIndex = key.ItemIndex,
        Succeeded = succeeded,
        Error = succeeded ? null : "random failure",
    };

    private static DateTimeOffset? NextRetryAt(RunState run) =>
        run.Nodes.Values
            .SelectMany(node => (node.Items ?? []).Where(item => item.Status == NodeStatus.Retrying).Select(item => item.NextAttemptAt)
                .Append(node.Status == NodeStatus.Retrying ? node.NextAttemptAt : null))
            .Where(at => at is not null)
            .Min();

    /// <summary>Up to 50 nodes; each depends on up to three earlier ones (so there is no cycle).</summary>
    private static string RandomDag(Random random)
    {
        var yaml = new StringBuilder("name: random\nstate: { list: [1, 2, 3] }\nnodes:\n");
        var count = random.Next(1, 51);
        for (var i = 0; i < count; i++)
        {
            var dependencies = Enumerable.Range(0, i).Where(_ => random.NextDouble() < 3.0 / (i + 3)).Take(3).Select(j => $"n{j}").ToList();
            var settings = new List<string>
            {
                "type: noop",
                string.Create(CultureInfo.InvariantCulture, $"retry: {{ maxAttempts: {random.Next(1, 4)}, initialDelay: 1s, jitter: {(random.Next(2) == 0 ? 0 : 0.5)} }}"),
            };
            if (dependencies.Count > 0)
            {
                settings.Add($"dependsOn: [{string.Join(", ", dependencies)}]");
            }

            if (random.NextDouble() < 0.3)
            {
                settings.Add("onFailure: continue");
            }

            if (random.NextDouble() < 0.1)
            {
                settings.Add("forEach: \"state.list\"");
            }

            yaml.Append(CultureInfo.InvariantCulture, $"  n{i}: {{ {string.Join(", ", settings)} }}\n");
        }

        return yaml.ToString();
    }
}
