using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Definitions;

/// <summary>Writes a node as one flat object (shared settings first, then its type's settings) and reads it back.</summary>
internal sealed class NodeDefinitionJsonConverter : JsonConverter<NodeDefinition>
{
    public override NodeDefinition Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"A node definition must be a JSON object, not {root.ValueKind}.");
        }

        string type = "";
        string? timeout = null;
        string? forEach = null;
        string onFailure = FailurePolicies.FailRun;
        string severity = ErrorSeverities.Medium;
        var merge = true;
        RetryPolicyDefinition? retry = null;
        IReadOnlyList<string> dependsOn = [];
        var config = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "type": type = value.GetString() ?? ""; break;
                case "timeout": timeout = value.GetString(); break;
                case "forEach": forEach = value.GetString(); break;
                case "onFailure": onFailure = value.GetString() ?? FailurePolicies.FailRun; break;
                case "severity": severity = value.GetString() ?? ErrorSeverities.Medium; break;
                case "merge": merge = value.ValueKind != JsonValueKind.False; break;
                case "retry": retry = value.Deserialize<RetryPolicyDefinition>(options); break;
                case "dependsOn": dependsOn = value.Deserialize<string[]>(options) ?? []; break;
                default: config[property.Name] = value.Clone(); break;
            }
        }

        return new NodeDefinition
        {
            Type = type,
            Timeout = timeout,
            Retry = retry,
            DependsOn = dependsOn,
            ForEach = forEach,
            OnFailure = onFailure,
            Severity = severity,
            Merge = merge,
            Config = config,
        };
    }

    public override void Write(Utf8JsonWriter writer, NodeDefinition value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("type", value.Type);
        if (value.Timeout is not null)
        {
            writer.WriteString("timeout", value.Timeout);
        }

        if (value.Retry is not null)
        {
            writer.WritePropertyName("retry");
            JsonSerializer.Serialize(writer, value.Retry, options);
        }

        if (value.DependsOn.Count > 0)
        {
            writer.WriteStartArray("dependsOn");
            foreach (var dependency in value.DependsOn)
            {
                writer.WriteStringValue(dependency);
            }

            writer.WriteEndArray();
        }

        if (value.ForEach is not null)
        {
            writer.WriteString("forEach", value.ForEach);
        }

        if (value.OnFailure != FailurePolicies.FailRun)
        {
            writer.WriteString("onFailure", value.OnFailure);
        }

        if (value.Severity != ErrorSeverities.Medium)
        {
            writer.WriteString("severity", value.Severity);
        }

        if (!value.Merge)
        {
            writer.WriteBoolean("merge", false);
        }

        foreach (var (name, setting) in value.Config)
        {
            // A shared setting's name in Config is a validation problem; writing it twice would make invalid JSON.
            if (NodeDefinition.CommonProperties.Contains(name))
            {
                continue;
            }

            writer.WritePropertyName(name);
            setting.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}
