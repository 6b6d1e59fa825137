namespace Orchestrator.Definitions;

/// <summary>What starts a loop's iterations; which fields apply depends on <see cref="Type"/>.</summary>
public sealed record ProducerDefinition
{
    /// <summary>One of <see cref="ProducerTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary><see cref="ProducerTypes.Interval"/>: a duration string between iterations.</summary>
    public string? Every { get; init; }

    /// <summary><see cref="ProducerTypes.Cron"/>: a cron expression with 5 fields, or 6 with seconds first.</summary>
    public string? Expression { get; init; }

    /// <summary><see cref="ProducerTypes.Cron"/>: the time zone the expression is read in (an IANA or Windows id); UTC when absent.</summary>
    public string? TimeZone { get; init; }

    /// <summary><see cref="ProducerTypes.Queue"/>: the queue whose messages start iterations.</summary>
    public string? Queue { get; init; }

    /// <summary><see cref="ProducerTypes.DotNet"/>: the <c>ProducerNode</c> class.</summary>
    public string? Class { get; init; }

    /// <summary><see cref="ProducerTypes.DotNet"/>: the settings the class gets in its <c>NodeConfig</c>.</summary>
    public System.Text.Json.JsonElement? Settings { get; init; }
}
