using System.Text.Json;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Streams;

/// <summary>Settings of the durable (queue) streams.</summary>
public sealed class StreamOptions
{
    /// <summary>Unacknowledged items a stream may hold before publishers wait.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>How long a publisher waits for room before <see cref="StreamFullException"/>.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed deliveries of one item before it is dead-lettered.</summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>Delay before a failed item is delivered again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often an idle consumer looks at the store, and a waiting publisher tries again, without a wake-up (a
    /// publish or acknowledgement on any silo wakes them at once; this covers a relayed wake-up that was lost).</summary>
    public TimeSpan IdleReadInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Items read from storage per batch.</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>How items are stored.</summary>
    public JsonSerializerOptions JsonOptions { get; set; } = StorageJson.CreateOptions();
}
