using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orchestrator.Definitions;

/// <summary>
/// Reads a definition's YAML (one document) into a JSON tree. Plain scalars follow the YAML 1.2 core schema
/// (<c>null</c>/<c>~</c>, <c>true</c>/<c>false</c>, integers, floats; anything else is a string, so <c>30s</c>
/// stays a string); quoted scalars and <c>!!str</c> are always strings. Anchors and aliases are expanded.
/// Duplicate keys are reported (the first one is kept) instead of letting the last one silently win.
/// </summary>
internal sealed class YamlSourceReader
{
    /// <summary>Bounds the values an alias-heavy document may expand to ("billion laughs").</summary>
    private const int MaxValues = 200_000;

    private const string TagPrefix = "tag:yaml.org,2002:";

    private readonly IParser _parser;
    private readonly Dictionary<string, (JsonNode? Value, int Size)> _anchors = new(StringComparer.Ordinal);
    private readonly List<DefinitionProblem> _problems = [];
    private int _values;

    private YamlSourceReader(IParser parser) => _parser = parser;

    public static SourceDocument Read(string text)
    {
        var reader = new YamlSourceReader(new Parser(new StringReader(text)));
        try
        {
            return reader.ReadDocument();
        }
        catch (YamlException e)
        {
            return SourceDocument.Malformed($"malformed YAML: {e.Message}", e.Start.Line, e.Start.Column);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on a few malformed inputs; report where reading stopped.
            var stop = reader._parser.Current?.End ?? Mark.Empty;
            return SourceDocument.Malformed("malformed YAML: the document could not be read past this point", stop.Line, stop.Column);
        }
    }

    private SourceDocument ReadDocument()
    {
        _parser.Consume<StreamStart>();
        if (_parser.TryConsume<StreamEnd>(out _))
        {
            return new SourceDocument(null, _problems, IsMalformed: false);
        }

        _parser.Consume<DocumentStart>();
        var root = ReadValue("", 0);
        _parser.Consume<DocumentEnd>();
        if (_parser.Accept<DocumentStart>(out var second))
        {
            throw new YamlException(second.Start, second.End, "a definition is a single YAML document, but a second one starts here");
        }

        return new SourceDocument(root, _problems, IsMalformed: false);
    }

    private JsonNode? ReadValue(string path, int depth)
    {
        var start = _values;
        if (_parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
            {
                throw new YamlException(alias.Start, alias.End, $"the alias '*{alias.Value.Value}' refers to no anchor before it");
            }

            Count(anchored.Size, alias);
            return anchored.Value?.DeepClone();
        }

        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            Count(1, scalar);
            var value = ConvertScalar(scalar);
            Remember(scalar.Anchor, value, _values - start);
            return value;
        }

        if (_parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            CheckDepth(depth, sequenceStart);
            Count(1, sequenceStart);
            var array = new JsonArray();
            while (!_parser.TryConsume<SequenceEnd>(out _))
            {
                array.Add(ReadValue(ProblemPath.Index(path, array.Count), depth + 1));
            }

            Remember(sequenceStart.Anchor, array, _values - start);
            return array;
        }

        var mappingStart = _parser.Consume<MappingStart>();
        CheckDepth(depth, mappingStart);
        Count(1, mappingStart);
        var obj = new JsonObject();
        var keyLines = new Dictionary<string, long>(StringComparer.Ordinal);
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            if (!_parser.TryConsume<Scalar>(out var key))
            {
                var current = _parser.Current!;
                throw new YamlException(current.Start, current.End, "mapping keys must be plain text, not collections or aliases");
            }

            var name = key.Value;
            var memberPath = ProblemPath.Member(path, name);
            var value = ReadValue(memberPath, depth + 1);
            if (keyLines.TryGetValue(name, out var firstLine))
            {
                _problems.Add(new DefinitionProblem(memberPath, $"duplicate key '{name}' (first defined at line {firstLine}); keys must be unique")
                {
                    Line = (int)key.Start.Line,
                    Column = (int)key.Start.Column,
                });
                continue;
            }

            keyLines[name] = key.Start.Line;
            obj[name] = value;
        }

        Remember(mappingStart.Anchor, obj, _values - start);
        return obj;
    }

    private static JsonValue? ConvertScalar(Scalar scalar)
    {
        var text = scalar.Value;
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific)
        {
            var tag = scalar.Tag.Value;
            if (!tag.StartsWith(TagPrefix, StringComparison.Ordinal) || tag == TagPrefix + "str")
            {
                return JsonValue.Create(text);
            }
        }
        else if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (IsInteger(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (IsFloat(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    /// <summary><c>[-+]?[0-9]+</c>.</summary>
    private static bool IsInteger(string text)
    {
        var digits = text.AsSpan(text.Length > 0 && text[0] is '-' or '+' ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary><c>[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?</c>.</summary>
    private static bool IsFloat(string text)
    {
        var span = text.AsSpan(text.Length > 0 && text[0] is '-' or '+' ? 1 : 0);
        var exponent = span.IndexOfAny('e', 'E');
        var mantissa = exponent < 0 ? span : span[..exponent];
        if (exponent >= 0)
        {
            var power = span[(exponent + 1)..];
            if (power.Length > 0 && power[0] is '-' or '+')
            {
                power = power[1..];
            }

            if (power.Length == 0 || power.ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }
        }

        var dot = mantissa.IndexOf('.');
        var whole = dot < 0 ? mantissa : mantissa[..dot];
        var fraction = dot < 0 ? [] : mantissa[(dot + 1)..];
        return (whole.Length > 0 || fraction.Length > 0)
            && !whole.ContainsAnyExceptInRange('0', '9')
            && !fraction.ContainsAnyExceptInRange('0', '9');
    }

    private void Remember(AnchorName anchor, JsonNode? value, int size)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = (value, size);
        }
    }

    private void Count(int values, ParsingEvent at)
    {
        _values += values;
        if (_values > MaxValues)
        {
            throw new YamlException(at.Start, at.End, $"the document expands to more than {MaxValues} values");
        }
    }

    private static void CheckDepth(int depth, ParsingEvent at)
    {
        if (depth >= DefinitionLimits.MaxNestingDepth)
        {
            throw new YamlException(at.Start, at.End, $"collections are nested more than {DefinitionLimits.MaxNestingDepth} deep");
        }
    }
}
