using System.Text.Json.Nodes;

namespace Orchestrator.Loops;

/// <summary>A loop as seen from outside: its state, counters and the health of its nodes.</summary>
public sealed record LoopSnapshot
{
    /// <summary><c>{runId}:{loop}</c> (see <see cref="LoopIds"/>).</summary>
    public required string Id { get; init; }

    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public int Version { get; init; }

    /// <summary>The loop's name in the definition.</summary>
    public required string Loop { get; init; }

    public LoopStatus State { get; init; }

    /// <summary><c>thread</c>, <c>async</c> or <c>process</c>.</summary>
    public string Pool { get; init; } = "";

    /// <summary>The producer type: <c>interval</c>, <c>cron</c>, <c>queue</c> or <c>dotnet</c>.</summary>
    public string Producer { get; init; } = "";

    /// <summary>The queue a <c>queue</c> producer reads.</summary>
    public string? Queue { get; init; }

    /// <summary>Iterations started since the loop was created (kept across restarts).</summary>
    public long Iterations { get; init; }

    /// <summary>Iterations whose chain completed without a node failing for good.</summary>
    public long Completed { get; init; }

    /// <summary>Iterations in which a node failed after its retries.</summary>
    public long Errors { get; init; }

    /// <summary>Iterations started per second over the last <see cref="RateWindowSeconds"/> seconds.</summary>
    public double IterationsPerSecond { get; init; }

    /// <summary>The window <see cref="IterationsPerSecond"/> is measured over.</summary>
    public int RateWindowSeconds { get; init; }

    /// <summary>Non-blocking node work started and not finished yet.</summary>
    public int InFlight { get; init; }

    /// <summary>The cap on <see cref="InFlight"/> (<c>maxInFlight</c>), or null when the definition sets none.</summary>
    public int? MaxInFlight { get; init; }

    /// <summary>A <c>queue</c> producer: messages skipped because they had been handled already (redelivered or
    /// published twice).</summary>
    public long DuplicatesDropped { get; init; }

    public LoopErrorInfo? LastError { get; init; }

    /// <summary>Each chain node by name.</summary>
    public IReadOnlyDictionary<string, LoopNodeSnapshot> Nodes { get; init; } = new Dictionary<string, LoopNodeSnapshot>();

    /// <summary>The process pool: the worker's process id while it runs.</summary>
    public int? WorkerProcessId { get; init; }

    /// <summary>The process pool: how many times the worker was started again after it died.</summary>
    public int WorkerRestarts { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>Why the loop paused or stopped (a person's reason, the run's end, or the error that stopped it).</summary>
    public string? Reason { get; init; }
}

/// <summary>One node of a loop's chain.</summary>
public sealed record LoopNodeSnapshot
{
    /// <summary><c>blocking</c> or <c>nonblocking</c>.</summary>
    public string Mode { get; init; } = "";

    /// <summary>The node's type (<c>dotnet</c>, <c>queue.push</c>, …).</summary>
    public string Type { get; init; } = "";

    public NodeHealth Health { get; init; }

    /// <summary>Runs that succeeded.</summary>
    public long Succeeded { get; init; }

    /// <summary>Runs that failed after their retries.</summary>
    public long Failed { get; init; }

    /// <summary>Attempts that failed (retried or not).</summary>
    public long FailedAttempts { get; init; }

    /// <summary>The output of the last successful run.</summary>
    public JsonNode? LastOutput { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastRunAt { get; init; }
}

/// <summary>A node failure in a loop, with what the node was given.</summary>
public sealed record LoopErrorInfo
{
    public required string Node { get; init; }

    public long Iteration { get; init; }

    public int Attempts { get; init; }

    public required string Message { get; init; }

    /// <summary>The data that flowed into the node.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>The error record created for the failure.</summary>
    public string? ErrorId { get; init; }

    public DateTimeOffset At { get; init; }
}
