using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Sensors;

/// <summary>
/// Keeps running statistics of sensor readings: outputs <c>{count, min, max, mean, last}</c> over every reading it has
/// seen. A reading is a <see cref="ReadSensor"/> output (<c>{value, …}</c>) or a bare number.
/// </summary>
/// <remarks>
/// The statistics live in the instance. In a loop one instance is created per loop node when the loop starts, so they
/// accumulate across iterations (and start again when the loop starts again, after a silo restart say); in a run a new
/// instance is created per attempt, so each run of the node sees one reading.
/// </remarks>
public sealed class Aggregate : BlockingNode
{
    private long _count;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private double _sum;

    /// <inheritdoc/>
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var reading = ValueOf(data.Value);
        _count++;
        _min = Math.Min(_min, reading);
        _max = Math.Max(_max, reading);
        _sum += reading;
        JsonNode output = new JsonObject
        {
            ["count"] = _count,
            ["min"] = _min,
            ["max"] = _max,
            ["mean"] = Math.Round(_sum / _count, 3),
            ["last"] = reading,
        };
        return Task.FromResult<JsonNode?>(output);
    }

    /// <summary>The number in a reading; throws (failing the attempt) when there is none.</summary>
    internal static double ValueOf(JsonNode? reading) => reading switch
    {
        JsonObject obj when obj["value"] is JsonValue value && value.GetValueKind() == JsonValueKind.Number => Number(value),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => Number(value),
        _ => throw new InvalidOperationException($"a reading is {{value: <number>, …}} or a number, not {reading?.ToJsonString() ?? "null"}"),
    };

    // Through its JSON text: GetValue<double> refuses a value that was created from an integer.
    private static double Number(JsonValue value) => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
}
