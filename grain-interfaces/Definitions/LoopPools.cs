namespace Orchestrator.Definitions;

/// <summary>Values of <see cref="LoopDefinition.Pool"/>: where a loop's work runs.</summary>
public static class LoopPools
{
    /// <summary>Dedicated threads, for blocking work.</summary>
    public const string Thread = "thread";

    /// <summary>Asynchronous tasks on the shared pool.</summary>
    public const string Async = "async";

    /// <summary>Child processes, for isolation.</summary>
    public const string Process = "process";

    /// <summary>Every pool.</summary>
    public static IReadOnlyList<string> All { get; } = [Thread, Async, Process];
}
