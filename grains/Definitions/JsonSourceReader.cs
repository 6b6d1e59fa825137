using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Definitions;

/// <summary>
/// Reads definition JSON (comments and trailing commas allowed) into a JSON tree, reporting duplicate keys
/// (the first one is kept) instead of letting the last one silently win.
/// </summary>
internal static class JsonSourceReader
{
    public static SourceDocument Read(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var problems = new List<DefinitionProblem>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = DefinitionLimits.MaxNestingDepth,
        });
        try
        {
            if (!reader.Read())
            {
                return new SourceDocument(null, problems, IsMalformed: false);
            }

            var root = ReadValue(ref reader, "", bytes, problems);

            // Reading on makes the reader reject anything after the value.
            while (reader.Read())
            {
            }

            return new SourceDocument(root, problems, IsMalformed: false);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber ?? 0;
            var bytePosition = e.BytePositionInLine ?? 0;
            var message = e.Message;
            var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (suffix > 0)
            {
                message = message[..suffix];
            }

            return SourceDocument.Malformed($"malformed JSON: {message}", line + 1, ColumnOf(bytes, line, bytePosition));
        }
    }

    private static JsonNode? ReadValue(ref Utf8JsonReader reader, string path, byte[] bytes, List<DefinitionProblem> problems)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    var keyOffset = reader.TokenStartIndex;
                    reader.Read();
                    var value = ReadValue(ref reader, ProblemPath.Member(path, name), bytes, problems);
                    if (obj.ContainsKey(name))
                    {
                        var (line, column) = LocationOf(bytes, keyOffset);
                        problems.Add(new DefinitionProblem(ProblemPath.Member(path, name), $"duplicate key '{name}'; keys must be unique")
                        {
                            Line = line,
                            Column = column,
                        });
                        continue;
                    }

                    obj[name] = value;
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader, ProblemPath.Index(path, array.Count), bytes, problems));
                }

                return array;
            case JsonTokenType.String:
                return JsonValue.Create(reader.GetString());
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var integer))
                {
                    return JsonValue.Create(integer);
                }

                if (reader.TryGetDouble(out var number) && double.IsFinite(number))
                {
                    return JsonValue.Create(number);
                }

                var (numberLine, numberColumn) = LocationOf(bytes, reader.TokenStartIndex);
                problems.Add(new DefinitionProblem(path, "the number is out of range") { Line = numberLine, Column = numberColumn });
                return null;
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    private static (int Line, int Column) LocationOf(byte[] bytes, long offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (bytes[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line + 1, Encoding.UTF8.GetCharCount(bytes, lineStart, (int)offset - lineStart) + 1);
    }

    /// <summary>Turns the reader's 0-based line and byte offset into a 1-based character column.</summary>
    private static long ColumnOf(byte[] bytes, long line, long bytePosition)
    {
        var lineStart = 0;
        for (var i = 0; i < bytes.Length && line > 0; i++)
        {
            if (bytes[i] == '\n')
            {
                line--;
                lineStart = i + 1;
            }
        }

        var length = (int)Math.Min(bytePosition, bytes.Length - lineStart);
        return Encoding.UTF8.GetCharCount(bytes, lineStart, Math.Max(length, 0)) + 1;
    }
}
