namespace Orchestrator.Definitions;

/// <summary>The node types a definition may use.</summary>
public static class NodeTypes
{
    /// <summary>Does nothing; useful as a join point.</summary>
    public const string Noop = "noop";

    /// <summary>Waits for <c>duration</c>.</summary>
    public const string Delay = "delay";

    /// <summary>Writes <c>message</c> to the run's log.</summary>
    public const string Log = "log";

    /// <summary>Fails its first <c>times</c> attempts (every attempt when absent), then succeeds.</summary>
    public const string Fail = "fail";

    /// <summary>Assigns state: <c>values</c> maps keys to expressions.</summary>
    public const string Set = "set";

    /// <summary>Runs <c>command</c> (an argv array) with optional <c>env</c> and <c>cwd</c>.</summary>
    public const string Shell = "shell";

    /// <summary>Sends an HTTP request: <c>method</c>, <c>url</c>, optional <c>headers</c> and <c>body</c>.</summary>
    public const string Http = "http";

    /// <summary>Runs a <c>BaseNode</c> class named by <c>class</c>, passing <c>settings</c> as its configuration.</summary>
    public const string DotNet = "dotnet";

    /// <summary>Runs the workflow named by <c>workflow</c> as a sub-run with optional <c>input</c>, and awaits it.</summary>
    public const string Workflow = "workflow";

    /// <summary>Pushes <c>value</c> (the flowing data when absent) onto the durable queue <c>queue</c>.</summary>
    public const string QueuePush = "queue.push";

    /// <summary>Sends <c>message</c> to an agent service's thread (<c>url</c>, optional <c>thread</c>) and awaits its answer.</summary>
    public const string Agent = "agent";

    /// <summary>Submits a job to a job service (<c>submit</c>), polls its <c>status</c> until done, cancels it on cancel.</summary>
    public const string Job = "job";

    /// <summary>Puts a task on the worker task queue <c>queue</c> (with <c>input</c>) for a remote worker process to
    /// claim, and awaits its completion; <c>heartbeatTimeout</c> (default 30 s) bounds the silence of a claim.</summary>
    public const string Worker = "worker";

    /// <summary>Every node type, in documentation order.</summary>
    /// <summary>True for the types whose attempts only compute from the run's own state (<c>noop</c>, <c>set</c>,
    /// <c>log</c>): they touch nothing outside the run, so the run carries them out in its own turn, and a run's steps
    /// through them share one write.</summary>
    public static bool RunsInTurn(string type) => type is Noop or Set or Log;

    public static IReadOnlyList<string> All { get; } = [Noop, Delay, Log, Fail, Set, Shell, Http, DotNet, Workflow, QueuePush, Agent, Job, Worker];
}
