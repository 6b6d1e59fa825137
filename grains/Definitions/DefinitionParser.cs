using System.Text;

namespace Orchestrator.Definitions;

/// <summary>
/// Reads a definition from JSON or YAML into the same <see cref="WorkflowDefinition"/> either way. Reading does
/// not validate; pass the model to <see cref="DefinitionValidator"/>, or use <see cref="DefinitionLoader"/> for both.
/// </summary>
public static class DefinitionParser
{
    /// <summary>Reads <paramref name="text"/> in <paramref name="format"/> (by default, JSON when it starts with <c>{</c> and reads as JSON, else YAML).</summary>
    public static DefinitionParseResult Parse(string text, DefinitionFormat format = DefinitionFormat.Auto)
    {
        ArgumentNullException.ThrowIfNull(text);
        var size = Encoding.UTF8.GetByteCount(text);
        if (size > DefinitionLimits.MaxDefinitionBytes)
        {
            return new DefinitionParseResult(
                null,
                [new DefinitionProblem("", $"the definition is {size} bytes; at most {DefinitionLimits.MaxDefinitionBytes} bytes (1 MiB) are allowed")]);
        }

        text = text.TrimStart('\uFEFF');
        var source = format switch
        {
            DefinitionFormat.Json => JsonSourceReader.Read(text),
            DefinitionFormat.Yaml => YamlSourceReader.Read(text),
            _ => ReadEither(text),
        };
        if (source.IsMalformed)
        {
            return new DefinitionParseResult(null, source.Problems);
        }

        var problems = new List<DefinitionProblem>(source.Problems);
        var definition = new DefinitionModelReader(problems).Read(source.Root);
        return new DefinitionParseResult(definition, problems);
    }

    /// <summary>
    /// Text starting with <c>{</c> is read as JSON; when that fails it may still be a YAML flow mapping
    /// (<c>{ name: x, … }</c>), so YAML gets a try before the JSON error is reported.
    /// </summary>
    private static SourceDocument ReadEither(string text)
    {
        if (!text.TrimStart().StartsWith('{'))
        {
            return YamlSourceReader.Read(text);
        }

        var json = JsonSourceReader.Read(text);
        if (!json.IsMalformed)
        {
            return json;
        }

        var yaml = YamlSourceReader.Read(text);
        return yaml.IsMalformed ? json : yaml;
    }
}
