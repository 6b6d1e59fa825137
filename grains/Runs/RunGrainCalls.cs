using Microsoft.Extensions.Logging;
using Orchestrator.Errors;
using Orchestrator.Loops;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Runs;

/// <summary>The calls a run makes to other grains: its parent, sub-runs, error records and loops. They run outside the
/// run's turns (awaiting them in a turn would deadlock when the other grain calls back, as a cancelled sub-run telling its
/// parent it ended does) and read nothing of the run's state but what they were given.</summary>
internal static class RunGrainCalls
{
    /// <summary>The call that carries out <paramref name="effect"/>, or null when it is not a call to another grain.
    /// <paramref name="run"/> is read now, in the turn (the snapshot for a parent).</summary>
    public static Func<Task>? For(IGrainFactory grains, RunEffect effect, RunState run) => effect switch
    {
        RunEffect.NotifyParent parent => NotifyParent(grains, parent.ParentRunId, run.RunId!, run.ToSnapshot()),
        RunEffect.ReportRecovery recovery => () => grains.GetGrain<IErrorRecordEngineGrain>(recovery.ErrorId).RetryFinishedAsync(recovery.Succeeded, recovery.Error),
        RunEffect.CancelSubRun subRun => () => grains.GetGrain<IRunGrain>(subRun.SubRunId).CancelAsync(subRun.Reason),
        RunEffect.CancelWorkerTask cancel => () => Tasks.WorkerTaskCalls.CancelAsync(grains, cancel.TaskId, cancel.Reason),
        RunEffect.CheckWorkerTask check => () => Tasks.WorkerTaskCalls.CheckAsync(grains, run.RunId!, check.TaskId, check.Key),
        RunEffect.StartLoops start => () => StartLoopsAsync(grains, start.Loops),
        RunEffect.PauseLoops pause => () => Task.WhenAll(pause.LoopIds.Select(id => grains.GetGrain<ILoopGrain>(id).PauseAsync(pause.Reason))),
        RunEffect.ResumeLoops resume => () => Task.WhenAll(resume.LoopIds.Select(id => grains.GetGrain<ILoopGrain>(id).ResumeAsync())),
        RunEffect.StopLoops stop => () => Task.WhenAll(stop.LoopIds.Select(id => grains.GetGrain<ILoopGrain>(id).StopAsync(stop.Reason))),
        _ => null,
    };

    /// <summary>What became of the sub-runs that nodes of <paramref name="run"/> wait for (null: the sub-run does not exist).</summary>
    public static async Task<Dictionary<string, RunSnapshot?>> ReadSubRunsAsync(IGrainFactory grains, RunState run)
    {
        var subRuns = new Dictionary<string, RunSnapshot?>(StringComparer.Ordinal);
        foreach (var subRunId in RunStateMachine.SubRunsToCheck(run))
        {
            try
            {
                subRuns[subRunId] = await grains.GetGrain<IRunGrain>(subRunId).GetAsync();
            }
            catch (KeyNotFoundException)
            {
                subRuns[subRunId] = null;
            }
        }

        return subRuns;
    }

    /// <summary>Makes <paramref name="calls"/> one after the other; one that fails is logged and the next made.</summary>
    public static async Task InOrderAsync(IReadOnlyList<Func<Task>> calls, ILogger logger, string runId)
    {
        foreach (var call in calls)
        {
            try
            {
                await call();
            }
            catch (Exception e)
            {
                RunGrainLog.AfterCommitFailed(logger, e, runId);
            }
        }
    }

    private static Func<Task> NotifyParent(IGrainFactory grains, string parentRunId, string runId, RunSnapshot finished) =>
        () => grains.GetGrain<IRunEngineGrain>(parentRunId).SubRunFinishedAsync(runId, finished);

    /// <summary>Starts the run's loops, or finds them started (which activates, and so resumes, them); a loop that had
    /// ended meanwhile reports it.</summary>
    private static async Task StartLoopsAsync(IGrainFactory grains, IReadOnlyList<StartLoop> starts)
    {
        foreach (var start in starts)
        {
            var loop = await grains.GetGrain<ILoopGrain>(LoopIds.For(start.RunId, start.Loop)).StartAsync(start);
            if (loop.State.IsEnded())
            {
                await grains.GetGrain<IRunEngineGrain>(start.RunId).LoopEndedAsync(start.Loop, loop.State, loop.Reason);
            }
        }
    }
}
