using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Cli;

/// <summary>A YAML or JSON document as a JSON object: plain YAML scalars typed as YAML's core schema reads them
/// (<c>true</c>, <c>null</c>, <c>42</c>, <c>1.5</c>), quoted ones kept as strings.</summary>
internal static class YamlJson
{
    public static JsonObject ReadObject(string option, string text)
    {
        JsonNode? node;
        try
        {
            if (text.TrimStart().StartsWith('{'))
            {
                node = JsonNode.Parse(text);
            }
            else
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                node = stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
            }
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw new CliUsageException($"{option}: not valid YAML or JSON: {e.Message}", e);
        }

        return node as JsonObject ?? throw new CliUsageException($"{option}: the document must be an object (a mapping of fields)");
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? "", Convert(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException(node.Start, node.End, "aliases are not supported"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !double.IsInfinity(real) => JsonValue.Create(real),
            _ => JsonValue.Create(value),
        };
    }
}
