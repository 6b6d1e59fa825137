using System.Globalization;
using Orchestrator.Loops;
using Orchestrator.Loops.Engine;

namespace Orchestrator.Grains.Tests.Loops.Core;

/// <summary>Loop states to drive <see cref="LoopLifecycle"/> with, and its effects as short lines that tests compare
/// exactly.</summary>
internal static class CoreLoop
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Id = "r:main";

    /// <summary>A loop of run <c>r</c> named <c>main</c>, as stored: <paramref name="status"/>, reading
    /// <paramref name="queue"/> when given.</summary>
    public static LoopState Stored(LoopStatus status, string? queue = null) => new()
    {
        Id = Id,
        RunId = "r",
        Workflow = "w",
        Version = 1,
        Loop = "main",
        Pool = "async",
        Producer = queue is null ? "interval" : "queue",
        Queue = queue,
        MaxInFlight = 100,
        Status = status,
        Reason = status == LoopStatus.Running ? null : "as stored",
        CreatedAt = T0,
        StartedAt = T0,
        StoppedAt = status.IsEnded() ? T0 : null,
        Epoch = 1,
        ReservedIterations = 1_000,
    };

    /// <summary>Applies <paramref name="command"/> at <see cref="T0"/> plus a minute; returns the effects as lines.</summary>
    public static IReadOnlyList<string> Apply(LoopState loop, LoopCommand command) =>
        [.. LoopLifecycle.Apply(loop, command, T0.AddMinutes(1)).Effects.Select(Describe)];

    public static string Describe(LoopEffect effect) => effect switch
    {
        LoopEffect.WriteState { OnlyIfChanged: true } => "write if changed",
        LoopEffect.WriteState => "write",
        LoopEffect.StartRunner start => $"start runner{(start.Paused ? " paused" : "")} above {start.NumberAbove.ToString(CultureInfo.InvariantCulture)}",
        LoopEffect.PauseRunner => "pause runner",
        LoopEffect.ResumeRunner => "resume runner",
        LoopEffect.StopRunner => "stop runner",
        LoopEffect.RetryOnRunner retry => $"retry {retry.Node}#{retry.Iteration.ToString(CultureInfo.InvariantCulture)} for {retry.ErrorId}",
        LoopEffect.RemoveQueueConsumer consumer => $"remove consumer {consumer.Consumer} of {consumer.Queue}",
        LoopEffect.NotifyRunEnded ended => $"tell run {ended.RunId}: {ended.Loop} {ended.Status.Name()} ({ended.Reason})",
        LoopEffect.Log line => $"log {line.Level}: {line.Message}",
        _ => effect.ToString(),
    };
}
