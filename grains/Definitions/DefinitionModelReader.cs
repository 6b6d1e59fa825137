using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Definitions;

/// <summary>
/// Maps a definition's JSON tree onto <see cref="WorkflowDefinition"/>. It reports what the model cannot hold
/// (a property nobody knows, a value of the wrong kind) and leaves every other judgement to
/// <see cref="DefinitionValidator"/>. A node's properties beyond the shared ones go to its <see cref="NodeDefinition.Config"/>,
/// where the validator checks them against the node's type.
/// </summary>
internal sealed class DefinitionModelReader(List<DefinitionProblem> problems)
{
    private static readonly HashSet<string> TopLevelKeys =
        ["name", "description", "state", "entry", "maxIterations", "timeout", "nodes", "edges", "loops"];

    private static readonly HashSet<string> RetryKeys = ["maxAttempts", "initialDelay", "multiplier", "maxDelay", "jitter"];
    private static readonly HashSet<string> EdgeKeys = ["from", "to", "when"];
    private static readonly HashSet<string> LoopKeys = ["pool", "producer", "chain", "onError", "maxInFlight"];
    private static readonly HashSet<string> ProducerKeys = ["type", "every", "expression", "timeZone", "queue", "class", "settings"];
    private static readonly HashSet<string> ChainKeys = ["node", "mode"];

    public WorkflowDefinition? Read(JsonNode? root)
    {
        if (root is not JsonObject obj)
        {
            problems.Add(new DefinitionProblem("", "a definition must be a mapping with at least 'name' and 'nodes'"));
            return null;
        }

        CheckKeys(obj, "", TopLevelKeys);
        var definition = new WorkflowDefinition
        {
            Name = ReadString(obj, "name", "") ?? "",
            Description = ReadString(obj, "description", ""),
            State = ReadMap(obj, "state", "", (value, _) => ToElement(value)),
            Entry = ReadString(obj, "entry", ""),
            MaxIterations = ReadInt(obj, "maxIterations", ""),
            Timeout = ReadString(obj, "timeout", ""),
            Nodes = ReadMap(obj, "nodes", "", ReadNode),
            Edges = ReadList(obj, "edges", "", ReadEdge),
            Loops = ReadMap(obj, "loops", "", ReadLoop),
        };
        return definition;
    }

    private NodeDefinition? ReadNode(JsonNode? value, string path)
    {
        if (value is not JsonObject obj)
        {
            problems.Add(new DefinitionProblem(path, "a node must be a mapping with at least a 'type'"));
            return null;
        }

        var config = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, setting) in obj)
        {
            if (!NodeDefinition.CommonProperties.Contains(name))
            {
                config[name] = ToElement(setting);
            }
        }

        return new NodeDefinition
        {
            Type = ReadString(obj, "type", path) ?? "",
            Timeout = ReadString(obj, "timeout", path),
            Retry = ReadObject(obj, "retry", path, ReadRetry),
            DependsOn = ReadList(obj, "dependsOn", path, (item, itemPath) => ReadString(item, itemPath)),
            ForEach = ReadExpressionText(obj, "forEach", path),
            OnFailure = ReadString(obj, "onFailure", path) ?? FailurePolicies.FailRun,
            Severity = ReadString(obj, "severity", path) ?? ErrorSeverities.Medium,
            Merge = ReadBool(obj, "merge", path) ?? true,
            Config = config,
        };
    }

    private RetryPolicyDefinition ReadRetry(JsonObject obj, string path)
    {
        CheckKeys(obj, path, RetryKeys);
        var defaults = new RetryPolicyDefinition();
        return new RetryPolicyDefinition
        {
            MaxAttempts = ReadInt(obj, "maxAttempts", path) ?? defaults.MaxAttempts,
            InitialDelay = ReadString(obj, "initialDelay", path) ?? defaults.InitialDelay,
            Multiplier = ReadNumber(obj, "multiplier", path) ?? defaults.Multiplier,
            MaxDelay = ReadString(obj, "maxDelay", path),
            Jitter = ReadNumber(obj, "jitter", path) ?? defaults.Jitter,
        };
    }

    private EdgeDefinition? ReadEdge(JsonNode? value, string path)
    {
        if (value is not JsonObject obj)
        {
            problems.Add(new DefinitionProblem(path, "an edge must be a mapping with 'from' and 'to'"));
            return null;
        }

        CheckKeys(obj, path, EdgeKeys);
        return new EdgeDefinition
        {
            From = ReadString(obj, "from", path) ?? "",
            To = ReadString(obj, "to", path) ?? "",
            When = ReadExpressionText(obj, "when", path),
        };
    }

    private LoopDefinition? ReadLoop(JsonNode? value, string path)
    {
        if (value is not JsonObject obj)
        {
            problems.Add(new DefinitionProblem(path, "a loop must be a mapping with 'producer' and 'chain'"));
            return null;
        }

        CheckKeys(obj, path, LoopKeys);
        var producer = ReadObject(obj, "producer", path, ReadProducer);
        if (producer is null && !obj.ContainsKey("producer"))
        {
            problems.Add(new DefinitionProblem(ProblemPath.Member(path, "producer"), "required: what starts each iteration (interval, cron, queue or dotnet)"));
        }

        return new LoopDefinition
        {
            Pool = ReadString(obj, "pool", path) ?? LoopPools.Async,
            Producer = producer ?? new ProducerDefinition { Type = "" },
            Chain = ReadList(obj, "chain", path, ReadChainStep),
            OnError = ReadString(obj, "onError", path) ?? LoopErrorPolicies.Continue,
            MaxInFlight = ReadInt(obj, "maxInFlight", path),
        };
    }

    private ProducerDefinition ReadProducer(JsonObject obj, string path)
    {
        CheckKeys(obj, path, ProducerKeys);
        return new ProducerDefinition
        {
            Type = ReadString(obj, "type", path) ?? "",
            Every = ReadString(obj, "every", path),
            Expression = ReadString(obj, "expression", path),
            TimeZone = ReadString(obj, "timeZone", path),
            Queue = ReadString(obj, "queue", path),
            Class = ReadString(obj, "class", path),
            Settings = ReadSettings(obj, path),
        };
    }

    private System.Text.Json.JsonElement? ReadSettings(JsonObject obj, string path)
    {
        if (!obj.TryGetPropertyValue("settings", out var value) || value is null)
        {
            return null;
        }

        if (value is not JsonObject)
        {
            problems.Add(new DefinitionProblem(ProblemPath.Member(path, "settings"), "must be a mapping of the producer class's settings"));
            return null;
        }

        return ToElement(value);
    }

    private ChainStepDefinition? ReadChainStep(JsonNode? value, string path)
    {
        if (value is not JsonObject obj)
        {
            problems.Add(new DefinitionProblem(path, "a chain step must be a mapping with 'node' and 'mode'"));
            return null;
        }

        CheckKeys(obj, path, ChainKeys);
        return new ChainStepDefinition
        {
            Node = ReadString(obj, "node", path) ?? "",
            Mode = ReadString(obj, "mode", path) ?? ChainModes.Blocking,
        };
    }

    private void CheckKeys(JsonObject obj, string path, HashSet<string> known)
    {
        foreach (var (name, _) in obj)
        {
            if (known.Contains(name))
            {
                continue;
            }

            var suggestion = known.FirstOrDefault(candidate => string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase));
            var hint = suggestion is null ? $"; expected one of {string.Join(", ", known)}" : $"; did you mean '{suggestion}'?";
            problems.Add(new DefinitionProblem(ProblemPath.Member(path, name), $"unknown property '{name}'{hint}"));
        }
    }

    private string? ReadString(JsonObject obj, string name, string path) =>
        obj.TryGetPropertyValue(name, out var value) ? ReadString(value, ProblemPath.Member(path, name)) : null;

    private string? ReadString(JsonNode? value, string path)
    {
        if (value is null)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        problems.Add(new DefinitionProblem(path, $"must be a string, not {Describe(value)}"));
        return null;
    }

    /// <summary>Expressions are strings, but a YAML author may write <c>when: true</c> or <c>when: 1</c>; those read as their text.</summary>
    private string? ReadExpressionText(JsonObject obj, string name, string path)
    {
        if (!obj.TryGetPropertyValue(name, out var value) || value is null)
        {
            return null;
        }

        return value.GetValueKind() is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number
            ? value.ToJsonString()
            : ReadString(value, ProblemPath.Member(path, name));
    }

    private int? ReadInt(JsonObject obj, string name, string path)
    {
        if (!obj.TryGetPropertyValue(name, out var value) || value is null)
        {
            return null;
        }

        if (value is JsonValue number && number.TryGetValue(out long integer) && integer is >= int.MinValue and <= int.MaxValue)
        {
            return (int)integer;
        }

        problems.Add(new DefinitionProblem(ProblemPath.Member(path, name), $"must be a whole number, not {Describe(value)}"));
        return null;
    }

    private double? ReadNumber(JsonObject obj, string name, string path)
    {
        if (!obj.TryGetPropertyValue(name, out var value) || value is null)
        {
            return null;
        }

        if (value is JsonValue number)
        {
            if (number.TryGetValue(out double d))
            {
                return d;
            }

            if (number.TryGetValue(out long l))
            {
                return l;
            }
        }

        problems.Add(new DefinitionProblem(ProblemPath.Member(path, name), $"must be a number, not {Describe(value)}"));
        return null;
    }

    private bool? ReadBool(JsonObject obj, string name, string path)
    {
        if (!obj.TryGetPropertyValue(name, out var value) || value is null)
        {
            return null;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default:
                problems.Add(new DefinitionProblem(ProblemPath.Member(path, name), $"must be true or false, not {Describe(value)}"));
                return null;
        }
    }

    private T? ReadObject<T>(JsonObject obj, string name, string path, Func<JsonObject, string, T> read)
        where T : class
    {
        if (!obj.TryGetPropertyValue(name, out var value) || value is null)
        {
            return null;
        }

        var memberPath = ProblemPath.Member(path, name);
        if (value is JsonObject inner)
        {
            return read(inner, memberPath);
        }

        problems.Add(new DefinitionProblem(memberPath, $"must be a mapping, not {Describe(value)}"));
        return null;
    }

    private OrderedDictionary<string, T> ReadMap<T>(JsonObject obj, string name, string path, Func<JsonNode?, string, T?> read)
    {
        var result = new OrderedDictionary<string, T>(StringComparer.Ordinal);
        if (!obj.TryGetPropertyValue(name, out var value) || value is null)
        {
            return result;
        }

        var memberPath = ProblemPath.Member(path, name);
        if (value is not JsonObject map)
        {
            problems.Add(new DefinitionProblem(memberPath, $"must be a mapping, not {Describe(value)}"));
            return result;
        }

        foreach (var (key, item) in map)
        {
            if (read(item, ProblemPath.Member(memberPath, key)) is { } entry)
            {
                result[key] = entry;
            }
        }

        return result;
    }

    private List<T> ReadList<T>(JsonObject obj, string name, string path, Func<JsonNode?, string, T?> read)
    {
        if (!obj.TryGetPropertyValue(name, out var value) || value is null)
        {
            return [];
        }

        var memberPath = ProblemPath.Member(path, name);
        if (value is not JsonArray array)
        {
            problems.Add(new DefinitionProblem(memberPath, $"must be a list, not {Describe(value)}"));
            return [];
        }

        var result = new List<T>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = ProblemPath.Index(memberPath, i);
            if (array[i] is null)
            {
                problems.Add(new DefinitionProblem(itemPath, "must not be null"));
            }
            else if (read(array[i], itemPath) is { } item)
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static JsonElement ToElement(JsonNode? value) =>
        value is null ? JsonSerializer.SerializeToElement<object?>(null) : JsonSerializer.SerializeToElement(value);

    private static string Describe(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "a mapping",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string \"{value.GetValue<string>()}\"",
        _ => value.ToJsonString(),
    };
}
