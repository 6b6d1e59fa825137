using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Sensors;

/// <summary>
/// Reads a (simulated) sensor: outputs <c>{sensor, value, at}</c>, where <c>sensor</c> is the setting <c>sensor</c>
/// (<c>sensor-1</c> when absent) and <c>value</c> follows a sine wave over the loop's iterations.
/// </summary>
/// <remarks>
/// The reading is deterministic: <c>20 + 5 × sin(iteration / 10)</c>, rounded to 3 decimals, so iteration 0 reads 20
/// and the wave repeats about every 63 iterations. <c>at</c> is the time of the reading from the silo's clock.
/// </remarks>
public sealed class ReadSensor(TimeProvider clock) : BlockingNode
{
    /// <summary>The reading of <paramref name="iteration"/>.</summary>
    public static double ValueAt(long iteration) => Math.Round(20 + (5 * Math.Sin(iteration / 10.0)), 3);

    /// <inheritdoc/>
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        JsonNode output = new JsonObject
        {
            ["sensor"] = Config.Get("sensor", "sensor-1"),
            ["value"] = ValueAt(data.Iteration),
            ["at"] = clock.GetUtcNow(),
        };
        return Task.FromResult<JsonNode?>(output);
    }
}
