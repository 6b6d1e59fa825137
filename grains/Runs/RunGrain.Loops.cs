using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Loops;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Runs;

/// <summary>A run's loops: started with the run, paused, resumed and stopped with it; the run ends when its nodes are
/// done and every loop has ended (failed when a loop ended in error).</summary>
internal sealed partial class RunGrain
{
    public async Task LoopEndedAsync(string loop, LoopStatus status, string? reason)
    {
        EnsureExists();
        if (!Run.Loops.TryGetValue(loop, out var known) || known.IsEnded() || !status.IsEnded())
        {
            return;
        }

        Run.Loops[loop] = status;
        Emit(RunEventTypes.LoopEnded, data: new JsonObject { ["loop"] = loop, ["loopId"] = LoopIds.For(Run.RunId!, loop), ["status"] = status.Name(), ["reason"] = reason });
        if (!Run.Status.IsFinished() && Run.Loops.Values.All(state => state.IsEnded()) && NodesDone())
        {
            var failed = Run.Loops.FirstOrDefault(pair => pair.Value == LoopStatus.Error);
            if (failed.Key is { } name)
            {
                Finish(RunStatus.Failed, $"loop '{name}' stopped on an error: {(name == loop ? reason : "see the loop")}");
            }
            else
            {
                Finish(RunStatus.Completed, error: null);
            }
        }

        await CommitAsync();
    }

    private static bool IsLoopNode(WorkflowDefinition definition, string node) =>
        definition.Loops.Values.Any(loop => loop.Chain.Any(step => step.Node == node));

    /// <summary>True when the run's own nodes have nothing left to do.</summary>
    private bool NodesDone() =>
        Definition.IsGraph ? Run.CurrentNode == WorkflowDefinition.EndNode : Run.Nodes.Values.All(node => node.Status.IsFinished());

    private void StartLoops()
    {
        foreach (var name in Definition.Loops.Keys)
        {
            Run.Loops[name] = LoopStatus.Running;
            Emit(RunEventTypes.LoopStarted, data: new JsonObject { ["loop"] = name, ["loopId"] = LoopIds.For(Run.RunId!, name) });
        }

        if (Run.Loops.Count > 0)
        {
            var start = LoopStarts();
            _afterCommit.Add(() => EnsureLoopsAsync(start));
        }
    }

    private void StopLoops(RunStatus status, string? error)
    {
        var reason = $"run {Run.RunId} {RunState.StatusName(status)}" + (error is null ? "" : $": {error}");
        ForEachRunningLoop(loop => loop.StopAsync(reason));
    }

    private void ForEachRunningLoop(Func<ILoopGrain, Task> action)
    {
        var loops = Run.Loops.Where(pair => !pair.Value.IsEnded()).Select(pair => Factory.GetGrain<ILoopGrain>(LoopIds.For(Run.RunId!, pair.Key))).ToList();
        if (loops.Count > 0)
        {
            _afterCommit.Add(() => Task.WhenAll(loops.Select(action)));
        }
    }

    /// <summary>After a restart: starts the loops that were not started yet (the silo stopped between the run's first
    /// write and their start), which also activates the others, resuming them; and learns of loops that ended meanwhile.</summary>
    private void CheckLoopsDetached()
    {
        if (Run.Loops.Values.Any(state => !state.IsEnded()))
        {
            var runId = Run.RunId!;
            var start = LoopStarts();
            _ = Task.Run(async () =>
            {
                try
                {
                    await EnsureLoopsAsync(start);
                }
                catch (Exception e)
                {
                    LogAfterCommitFailed(logger, e, runId);
                }
            });
        }
    }

    /// <summary>The start commands of the loops not ended yet (taken in a turn; used outside it).</summary>
    private List<StartLoop> LoopStarts() =>
        [.. Run.Loops.Where(pair => !pair.Value.IsEnded())
            .Select(pair => new StartLoop { RunId = Run.RunId!, Workflow = Run.Workflow, Version = Run.Version, Loop = pair.Key })];

    private async Task EnsureLoopsAsync(List<StartLoop> starts)
    {
        foreach (var start in starts)
        {
            var loop = await Factory.GetGrain<ILoopGrain>(LoopIds.For(start.RunId, start.Loop)).StartAsync(start);
            if (loop.State.IsEnded())
            {
                await Factory.GetGrain<IRunGrain>(start.RunId).LoopEndedAsync(start.Loop, loop.State, loop.Reason);
            }
        }
    }
}
