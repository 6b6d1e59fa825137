using System.Text.Json.Nodes;
using Orchestrator.Api.Streams;

namespace Orchestrator.Api.Compat;

/// <summary>What a <c>WS /ws</c> session wants: subscriptions written <c>run:&lt;id&gt;</c>, <c>workflow:&lt;name&gt;</c>,
/// <c>event:&lt;type&gt;</c> or <c>*</c> (everything). As seed 004 has it, execution notifications go to every
/// connected client (flow 1, "send to all connected clients") until the session subscribes, which narrows them to what
/// its subscriptions match (unsubscribing from everything widens them again); error notifications go to subscribers
/// only (flow 2, <c>sendToSubscribers</c>).</summary>
internal sealed class NotificationSubscriptions
{
    /// <summary>Subscriptions one session may hold.</summary>
    public const int MaxSubscriptions = 1_000;

    /// <summary>Message types <c>event:</c> can name.</summary>
    public static readonly IReadOnlyList<string> EventTypes =
        ["execution_started", "execution_completed", "execution_failed", "execution_cancelled", "error_recorded", "error_updated"];

    private const int MaxSubscriptionLength = 300;

    /// <summary>The notifications that go to every session without subscriptions.</summary>
    private const string ExecutionPrefix = "execution_";

    private readonly HashSet<string> _all = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The subscriptions held now, sorted.</summary>
    public IReadOnlyList<string> Current
    {
        get
        {
            lock (_lock)
            {
                return [.. _all.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Reads the <c>subscriptions</c> member of a <c>subscribe</c> or <c>unsubscribe</c> message: the
    /// subscriptions, or a problem that names the item at fault (then nothing is read).</summary>
    public static (IReadOnlyList<string>? Subscriptions, string? Problem) Parse(JsonNode? subscriptions)
    {
        if (subscriptions is not JsonArray items)
        {
            return (null, "subscriptions must be an array such as [\"run:<id>\", \"workflow:<name>\", \"event:<type>\", \"*\"]");
        }

        if (items.Count > MaxSubscriptions)
        {
            return (null, $"subscriptions may hold at most {MaxSubscriptions} items");
        }

        var parsed = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonValue value || !value.TryGetValue<string>(out var text))
            {
                return (null, $"subscriptions[{i}] must be a string such as \"run:<id>\", \"workflow:<name>\", \"event:<type>\" or \"*\"");
            }

            if (Validate(text) is { } problem)
            {
                return (null, $"subscriptions[{i}]: {problem}");
            }

            parsed.Add(text);
        }

        return (parsed, null);
    }

    /// <summary>Adds subscriptions; false (and nothing added) when the session would hold more than
    /// <see cref="MaxSubscriptions"/>.</summary>
    public bool Add(IEnumerable<string> subscriptions)
    {
        lock (_lock)
        {
            var next = new HashSet<string>(_all, StringComparer.Ordinal);
            next.UnionWith(subscriptions);
            if (next.Count > MaxSubscriptions)
            {
                return false;
            }

            _all.UnionWith(next);
            return true;
        }
    }

    public void Remove(IEnumerable<string> subscriptions)
    {
        lock (_lock)
        {
            _all.ExceptWith(subscriptions);
        }
    }

    public bool Matches(NotificationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            if (_all.Count == 0)
            {
                return message.Type.StartsWith(ExecutionPrefix, StringComparison.Ordinal);
            }

            return _all.Contains("*") ||
                _all.Contains("event:" + message.Type) ||
                (message.RunId is not null && _all.Contains("run:" + message.RunId)) ||
                (message.Workflow is not null && _all.Contains("workflow:" + message.Workflow));
        }
    }

    private static string? Validate(string subscription)
    {
        if (subscription == "*")
        {
            return null;
        }

        if (subscription.Length > MaxSubscriptionLength)
        {
            return $"longer than {MaxSubscriptionLength} characters";
        }

        var colon = subscription.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return $"'{subscription}' is not of the form <kind>:<value> (kinds: run, workflow, event) or *";
        }

        var kind = subscription[..colon];
        var value = subscription[(colon + 1)..];
        if (kind is not ("run" or "workflow" or "event"))
        {
            return $"unknown subscription kind '{kind}' (use run, workflow, event, or * for everything)";
        }

        if (value.Length == 0 || value.Any(char.IsWhiteSpace))
        {
            return $"'{subscription}' needs a {kind} after the colon, without spaces";
        }

        if (kind == "event" && !EventTypes.Contains(value))
        {
            return $"unknown event type '{value}' (one of {string.Join(", ", EventTypes)})";
        }

        return null;
    }
}
