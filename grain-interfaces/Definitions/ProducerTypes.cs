namespace Orchestrator.Definitions;

/// <summary>Values of <see cref="ProducerDefinition.Type"/>.</summary>
public static class ProducerTypes
{
    /// <summary>An iteration every <see cref="ProducerDefinition.Every"/>.</summary>
    public const string Interval = "interval";

    /// <summary>An iteration at each occurrence of <see cref="ProducerDefinition.Expression"/> in <see cref="ProducerDefinition.TimeZone"/>.</summary>
    public const string Cron = "cron";

    /// <summary>An iteration per message on <see cref="ProducerDefinition.Queue"/>.</summary>
    public const string Queue = "queue";

    /// <summary>Iterations driven by the <c>ProducerNode</c> class <see cref="ProducerDefinition.Class"/>.</summary>
    public const string DotNet = "dotnet";

    /// <summary>Every producer type.</summary>
    public static IReadOnlyList<string> All { get; } = [Interval, Cron, Queue, DotNet];
}
