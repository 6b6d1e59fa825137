using System.Text.Json.Nodes;
using Orchestrator.Definitions;

namespace Orchestrator.Nodes.Executors;

/// <summary>A <c>job</c> node's rendered settings, read once per attempt (see <see cref="JobExecutor"/>).</summary>
internal sealed record JobSettings
{
    /// <summary>The first wait between status calls when <c>pollEvery</c> is absent.</summary>
    public static readonly TimeSpan DefaultPollInitial = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between status calls when <c>pollEvery</c> names none.</summary>
    public static readonly TimeSpan DefaultPollMax = TimeSpan.FromMinutes(1);

    public required JobRequest Submit { get; init; }

    public required JsonPathQuery IdPath { get; init; }

    public required JobRequest Status { get; init; }

    public required JsonPathQuery DonePath { get; init; }

    public required IReadOnlyList<JsonNode?> SuccessValues { get; init; }

    public required IReadOnlyList<JsonNode?> FailureValues { get; init; }

    public TimeSpan PollInitial { get; init; } = DefaultPollInitial;

    public TimeSpan PollMax { get; init; } = DefaultPollMax;

    public JobRequest? Cancel { get; init; }

    /// <exception cref="NodeExecutionException">A setting is missing or malformed (a template rendered into nonsense).</exception>
    public static JobSettings Read(NodeInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var (initial, max) = ReadPollEvery(invocation);
        return new JobSettings
        {
            Submit = JobRequest.Read(invocation, "submit", "POST") ?? throw Missing(invocation, "submit"),
            IdPath = ReadPath(invocation, "idPath"),
            Status = JobRequest.Read(invocation, "status", "GET") ?? throw Missing(invocation, "status"),
            DonePath = ReadPath(invocation, "donePath"),
            SuccessValues = ReadValues(invocation, "successValues"),
            FailureValues = ReadValues(invocation, "failureValues"),
            PollInitial = initial,
            PollMax = max,
            Cancel = JobRequest.Read(invocation, "cancel", "POST"),
        };
    }

    /// <summary>True when <paramref name="value"/> is one of <paramref name="values"/> (compared as text; null only
    /// matches null).</summary>
    public static bool Matches(JsonNode? value, IReadOnlyList<JsonNode?> values) =>
        values.Any(expected => expected is null ? value is null : value is not null && NodeSettings.ToText(expected) == NodeSettings.ToText(value));

    private static JsonPathQuery ReadPath(NodeInvocation invocation, string setting)
    {
        var text = NodeSettings.RequireText(invocation, setting);
        return JsonPathQuery.TryParse(text, out var query, out var error)
            ? query!
            : throw new NodeExecutionException($"job node '{invocation.Node}': {setting}: {error}");
    }

    private static JsonNode?[] ReadValues(NodeInvocation invocation, string setting) =>
        invocation.Config[setting] switch
        {
            null => [],
            JsonArray values => [.. values.Select(v => v?.DeepClone())],
            var other => throw new NodeExecutionException($"job node '{invocation.Node}': {setting} must be a list, not {other.ToJsonString()}."),
        };

    private static (TimeSpan Initial, TimeSpan Max) ReadPollEvery(NodeInvocation invocation)
    {
        switch (invocation.Config["pollEvery"])
        {
            case null:
                return (DefaultPollInitial, DefaultPollMax);
            case JsonObject every:
                var initial = every["initial"] is { } i ? ParseDuration(invocation, NodeSettings.ToText(i)) : DefaultPollInitial;
                var max = every["max"] is { } m ? ParseDuration(invocation, NodeSettings.ToText(m)) : TimeSpan.FromTicks(Math.Max(initial.Ticks, DefaultPollMax.Ticks));
                return (initial, TimeSpan.FromTicks(Math.Max(initial.Ticks, max.Ticks)));
            case var every:
                var first = ParseDuration(invocation, NodeSettings.ToText(every));
                return (first, TimeSpan.FromTicks(Math.Max(first.Ticks, DefaultPollMax.Ticks)));
        }
    }

    private static TimeSpan ParseDuration(NodeInvocation invocation, string text) =>
        Duration.TryParse(text, out var value, out var error) && value > TimeSpan.Zero
            ? value
            : throw new NodeExecutionException($"job node '{invocation.Node}': pollEvery: {error ?? "must be longer than 0s"}");

    private static NodeExecutionException Missing(NodeInvocation invocation, string setting) =>
        new($"job node '{invocation.Node}': the setting '{setting}' is required.");
}
