using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Cluster;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator cluster silos|grains</c> and <c>orchestrator health</c>.</summary>
internal static class ClusterCommands
{
    public static Command Create(CliApp app) => CliApp.Group(
        "cluster",
        "The cluster: its silos and its grains.",
        app.Command(
            "silos",
            "Every silo of the cluster, and those declared dead in the last hour.",
            "orchestrator cluster silos",
            async cli =>
            {
                var silos = await cli.Client.GetSilosAsync(cli.Cancellation);
                cli.Output.List(new { items = silos }, silos, null, "silos", SiloColumns);
                return ExitCodes.Success;
            }),
        app.Command(
            "grains",
            "Activations and calls by grain type.",
            "orchestrator cluster grains -o json",
            async cli =>
            {
                var report = await cli.Client.GetGrainsAsync(cli.Cancellation);
                var types = (report["items"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
                if (cli.Output.Format == OutputFormat.Table)
                {
                    cli.Output.Line(string.Create(
                        CultureInfo.InvariantCulture,
                        $"activations {Field(report, "activations")}, calls {Field(report, "calls")}, failed calls {Field(report, "failedCalls")}"));
                }

                cli.Output.List(report, types, null, "grain types", GrainColumns(types));
                return ExitCodes.Success;
            }));

    public static Command Health(CliApp app) => app.Command(
        "health",
        "The silo's health; exit 1 when it is not healthy.",
        "orchestrator health --server http://silo-1:8080",
        async cli =>
        {
            var health = await cli.Client.GetHealthAsync(cli.Cancellation);
            var report = health.Report;
            cli.Output.Item(report, view =>
            {
                view.Field("status", Field(report, "status"))
                    .Field("reason", Field(report, "reason"))
                    .Field("silo", $"{Field(report["silo"], "name")} ({Field(report["silo"], "status")})")
                    .Field("storage", $"{Field(report["storage"], "provider")} ({Field(report["storage"], "status")})");
                if (report["components"] is JsonObject components)
                {
                    foreach (var (name, value) in components)
                    {
                        view.Field(name, value?.ToString());
                    }
                }
            });
            return health.Healthy ? ExitCodes.Success : ExitCodes.Failed;
        });

    private static string? Field(JsonNode? node, string name) => node?[name] is JsonValue value ? value.ToString() : null;

    private static readonly Column<SiloInfo>[] SiloColumns =
    [
        new("SILO", s => s.Name),
        new("STATUS", s => s.Status),
        new("ADDRESS", s => s.Address ?? s.SiloAddress),
        new("STARTED", s => Show.Time(s.StartedAt)),
        new("LAST HEARTBEAT", s => Show.Time(s.LastHeartbeatAt)),
        new("ACTIVATIONS", s => s.Activations?.ToString(CultureInfo.InvariantCulture)),
        new("STORAGE", s => s.Storage),
    ];

    /// <summary>A column for each field the server reports per grain type, in its order.</summary>
    private static Column<JsonObject>[] GrainColumns(IReadOnlyList<JsonObject> types) =>
        [.. types.SelectMany(t => t.Select(p => p.Key)).Distinct(StringComparer.Ordinal)
            .Select(key => new Column<JsonObject>(key.ToUpperInvariant(), t => t[key] is JsonValue value ? value.ToString() : t[key]?.ToJsonString()))];
}
