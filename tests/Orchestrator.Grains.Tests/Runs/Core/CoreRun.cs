using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Grains.Tests.Runs.Core;

/// <summary>A run driven through the engine's core alone, with no host: commands in, transitions out, on a clock the test
/// moves. Renders events and effects as short lines that tests compare exactly.</summary>
internal sealed class CoreRun
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<RunEvent> _log = [];

    private CoreRun(WorkflowDefinition definition, EngineOptions options, int seed)
    {
        Definition = definition;
        Machine = new RunStateMachine(new CachedDefinition(definition, new ExpressionCache()), options, new Random(seed));
    }

    public WorkflowDefinition Definition { get; }

    public RunStateMachine Machine { get; }

    public RunState State { get; private set; } = new();

    public DateTimeOffset Now { get; set; } = T0;

    public RunTransition? Last { get; private set; }

    /// <summary>Every event of the run so far.</summary>
    public IReadOnlyList<RunEvent> Log => _log;

    public static CoreRun Of(string yaml, EngineOptions? options = null, int seed = 1)
    {
        var loaded = DefinitionLoader.Load(yaml);
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        return new CoreRun(loaded.Definition!, options ?? new EngineOptions(), seed);
    }

    public RunTransition Start(JsonNode? input = null, ParentLink? parent = null) =>
        Apply(new RunCommand.Start("r", Definition.Name, 1, input, null, parent));

    public RunTransition Apply(RunCommand command)
    {
        Last = Machine.Apply(State, command, Now);
        _log.AddRange(Last.Events);
        return Last;
    }

    public RunTransition Finish(params NodeAttemptResult[] results) => Apply(new RunCommand.AttemptsFinished(results));

    /// <summary>Moves the clock to <paramref name="at"/> and delivers a retry reminder's tick.</summary>
    public RunTransition RetriesDueAt(TimeSpan at)
    {
        Now = T0 + at;
        return Apply(new RunCommand.RetriesDue());
    }

    /// <summary>The result of the current attempt of <paramref name="node"/> (or of its element <paramref name="item"/>).</summary>
    public NodeAttemptResult Succeeded(string node, JsonNode? output = null, int? item = null) =>
        Result(node, item) with { Succeeded = true, Output = output };

    public NodeAttemptResult Failed(string node, string error = "broken", int? item = null) =>
        Result(node, item) with { Error = error };

    public NodeAttemptResult Result(string node, int? item = null)
    {
        var state = State.Nodes[node];
        return new NodeAttemptResult
        {
            Node = node,
            Iteration = state.Iteration,
            Attempt = item is { } index ? state.Items![index].Attempts : state.Attempts,
            ItemIndex = item,
        };
    }

    /// <summary>The last transition's events, one line each.</summary>
    public IReadOnlyList<string> Events => [.. Last!.Events.Select(Describe)];

    /// <summary>The last transition's effects, one line each.</summary>
    public IReadOnlyList<string> Effects => [.. Last!.Effects.Select(Describe)];

    public static string Describe(RunEvent e)
    {
        var at = e.Node is null
            ? ""
            : $" {e.Node}{(e.Iteration is { } n ? $"#{n}" : "")}{(e.Attempt is { } a ? $".{a}" : "")}{(e.Data?["itemIndex"] is { } i ? $"[{i}]" : "")}";
        var detail = e.Type switch
        {
            RunEventTypes.Transition => $" {e.Data!["from"]}->{e.Data["to"]}",
            RunEventTypes.System or RunEventTypes.Log => $": {e.Data!["message"]}",
            RunEventTypes.NodeRetryScheduled => $" in {e.Data!["delayMs"]}ms",
            RunEventTypes.NodeFailed or RunEventTypes.RunFailed or RunEventTypes.RunCancelled => $": {e.Data!["error"]}",
            RunEventTypes.ErrorRecorded => $" {e.Data!["errorId"]}",
            RunEventTypes.NodeSkipped => $": {e.Data!["reason"]}",
            RunEventTypes.RunSignalled => $" {e.Data!["name"]}",
            RunEventTypes.RunRecovered => $" interrupted={e.Data!["interruptedAttempts"]}",
            RunEventTypes.LoopStarted => $" {e.Data!["loop"]}",
            RunEventTypes.LoopEnded => $" {e.Data!["loop"]} {e.Data["status"]}",
            _ => "",
        };
        return e.Type + at + detail;
    }

    public static string Describe(RunEffect effect) => effect switch
    {
        RunEffect.LaunchAttempt launch => $"launch {Key(launch.Key)}",
        RunEffect.CancelAttempt cancel => $"cancel {Key(cancel.Key)}",
        RunEffect.CancelAllAttempts => "cancel all attempts",
        RunEffect.ArmReminder arm => $"arm {arm.Name} in {arm.Due.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
        RunEffect.DisarmReminder disarm => $"disarm {disarm.Name}",
        RunEffect.CreateErrorRecord record => $"create error record {record.ErrorId}",
        RunEffect.ReportRecovery report => $"report {report.ErrorId} {(report.Succeeded ? "succeeded" : "failed")}",
        RunEffect.NotifyParent parent => $"notify parent {parent.ParentRunId}",
        RunEffect.CancelSubRun subRun => $"cancel sub-run {subRun.SubRunId}",
        RunEffect.StartLoops start => $"start loops {string.Join(",", start.Loops.Select(l => l.Loop))}",
        RunEffect.PauseLoops pause => $"pause loops {string.Join(",", pause.LoopIds)}",
        RunEffect.ResumeLoops resume => $"resume loops {string.Join(",", resume.LoopIds)}",
        RunEffect.StopLoops stop => $"stop loops {string.Join(",", stop.LoopIds)}",
        _ => effect.ToString(),
    };

    private static string Key(AttemptKey key) => $"{key.Node}#{key.Iteration}.{key.Attempt}{(key.ItemIndex is { } i ? $"[{i}]" : "")}";
}
