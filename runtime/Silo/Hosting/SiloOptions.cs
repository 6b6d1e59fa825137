using System.Text.Json;

namespace Orchestrator.Runtime.Hosting;

/// <summary>Settings of a silo.</summary>
public sealed class SiloOptions
{
    /// <summary>This silo's name in the directory and in logs.</summary>
    public string SiloName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>How long a caller waits for a grain call before <see cref="GrainCallTimeoutException"/>.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An activation idle for this long is deactivated.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Bound on finishing running turns and deactivating on shutdown.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Delay before a reminder tick whose delivery failed is delivered again.</summary>
    public TimeSpan ReminderRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Smallest non-zero reminder period.</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Durable streams: unacknowledged items a stream may hold before publishers wait.</summary>
    public int StreamCapacity { get; set; } = 10_000;

    /// <summary>Durable streams: how long a publisher waits for room before <see cref="StreamFullException"/>.</summary>
    public TimeSpan StreamPublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Durable streams: failed deliveries of one item before it is dead-lettered.</summary>
    public int StreamMaxDeliveryAttempts { get; set; } = 5;

    /// <summary>Durable streams: delay before a failed item is delivered again.</summary>
    public TimeSpan StreamRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Durable streams: items read from storage per batch.</summary>
    public int StreamBatchSize { get; set; } = 128;

    /// <summary>How grain state and stream items are serialized: camelCase, and null members left out (a state is
    /// rewritten whole on every write, so its size is paid each time).</summary>
    public JsonSerializerOptions JsonOptions { get; set; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
