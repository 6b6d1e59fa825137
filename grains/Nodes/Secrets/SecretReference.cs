using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Definitions;

namespace Orchestrator.Nodes.Secrets;

/// <summary><c>${secret.NAME}</c>: an expression that yields a marker naming the secret, never its value. Only the
/// executors of nodes whose settings leave the process (<c>shell</c>, <c>http</c>, <c>agent</c>, <c>job</c>) replace markers with values, just
/// before they run, and every value is redacted to <c>***</c> from what they give back; anywhere else a marker is inert
/// text. Definitions that use secrets in other nodes are refused.</summary>
public static partial class SecretReference
{
    /// <summary>The expression root: <c>secret.NAME</c>.</summary>
    public const string Root = "secret";

    /// <summary>What replaces a secret's value wherever a node gives it back.</summary>
    public const string Redacted = "***";

    /// <summary>Node types whose settings may use secrets.</summary>
    public static readonly IReadOnlySet<string> NodeTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        Definitions.NodeTypes.Shell, Definitions.NodeTypes.Http, Definitions.NodeTypes.Agent, Definitions.NodeTypes.Job,
    };

    private const char Delimiter = '\u0001';

    /// <summary>The marker <c>secret.NAME</c> evaluates to.</summary>
    public static string Marker(string name) => $"{Delimiter}secret:{name}{Delimiter}";

    /// <summary>True for a secret's name: letters, digits and <c>_</c>, not starting with a digit.</summary>
    public static bool IsName(string name) => NamePattern().IsMatch(name);

    /// <summary>Every problem of secrets used outside the nodes that may use them.</summary>
    public static IEnumerable<DefinitionProblem> Check(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        foreach (var (name, node) in definition.Nodes)
        {
            if (NodeTypes.Contains(node.Type))
            {
                continue;
            }

            foreach (var (setting, value) in node.Config)
            {
                if (Mentions(value))
                {
                    yield return new DefinitionProblem(
                        $"nodes.{name}.{setting}",
                        $"secrets (secret.NAME) may only be used in the settings of {string.Join(", ", NodeTypes.Order(StringComparer.Ordinal))} nodes, whose settings leave the process; a {node.Type} node would keep the value in the run");
                }
            }
        }
    }

    /// <summary>The settings with every marker replaced by its secret's value, and the values used (to redact).</summary>
    /// <exception cref="NodeExecutionException">A secret is not set; the message names it, never a value.</exception>
    public static (JsonObject Config, IReadOnlyList<string> Values) Resolve(JsonObject config, SecretStore secrets, string node)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(secrets);
        if (!HasMarker(config))
        {
            return (config, []);
        }

        var values = new List<string>();
        var resolved = (JsonObject)Replace(config, marker =>
        {
            var value = secrets.Get(marker) ?? throw new NodeExecutionException(
                $"node '{node}': the secret '{marker}' is not set: give it as a file named {marker} in --secrets-dir, or as the environment variable {SecretStore.EnvironmentPrefix}{marker.ToUpperInvariant()}.");
            if (value.Length > 0)
            {
                values.Add(value);
            }

            return value;
        })!;
        return (resolved, values);
    }

    /// <summary><paramref name="node"/> with every occurrence of <paramref name="values"/> in its strings (and property
    /// names) replaced by <see cref="Redacted"/>.</summary>
    public static JsonNode? Redact(JsonNode? node, IReadOnlyList<string> values)
    {
        if (node is null || values.Count == 0)
        {
            return node;
        }

        return node switch
        {
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(Redact(p.Key, values), Redact(p.Value, values)))),
            JsonArray array => new JsonArray([.. array.Select(e => Redact(e, values))]),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(Redact(value.GetValue<string>(), values)),
            _ => node.DeepClone(),
        };
    }

    /// <summary><paramref name="text"/> with every occurrence of <paramref name="values"/> replaced by
    /// <see cref="Redacted"/> (longest first, so a value inside another is not left half shown).</summary>
    public static string Redact(string text, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (values.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text);
        foreach (var value in values.OrderByDescending(v => v.Length))
        {
            builder.Replace(value, Redacted);
        }

        return builder.ToString();
    }

    private static bool Mentions(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => MentionPattern().IsMatch(value.GetString()!),
        JsonValueKind.Object => value.EnumerateObject().Any(p => Mentions(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Any(Mentions),
        _ => false,
    };

    private static bool HasMarker(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Any(p => HasMarker(p.Value)),
        JsonArray array => array.Any(HasMarker),
        JsonValue value => value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Contains(Delimiter, StringComparison.Ordinal),
        _ => false,
    };

    private static JsonNode? Replace(JsonNode? node, Func<string, string> resolve) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Replace(p.Value, resolve)))),
        JsonArray array => new JsonArray([.. array.Select(e => Replace(e, resolve))]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String =>
            JsonValue.Create(MarkerPattern().Replace(value.GetValue<string>(), match => resolve(match.Groups[1].Value))),
        _ => node?.DeepClone(),
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\bsecret\s*\.\s*[A-Za-z_]")]
    private static partial Regex MentionPattern();

    [GeneratedRegex("\u0001secret:([A-Za-z_][A-Za-z0-9_]*)\u0001")]
    private static partial Regex MarkerPattern();
}
