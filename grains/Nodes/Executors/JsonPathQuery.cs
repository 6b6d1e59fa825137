using System.Globalization;
using System.Text.Json.Nodes;

namespace Orchestrator.Nodes.Executors;

/// <summary>A JSON path of the plain kind that names one value: <c>$</c>, then members (<c>.name</c>,
/// <c>['name']</c>) and list indexes (<c>[0]</c>), e.g. <c>$.metadata.name</c> or <c>$.status.conditions[0].type</c>.
/// No wildcards, filters or recursive descent: a job's id and status are each one value.</summary>
internal sealed class JsonPathQuery
{
    private readonly IReadOnlyList<object> _steps;

    private JsonPathQuery(string text, IReadOnlyList<object> steps)
    {
        Text = text;
        _steps = steps;
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, out JsonPathQuery? query, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        query = null;
        var steps = new List<object>();
        var path = text.Trim();
        if (!path.StartsWith('$'))
        {
            error = $"'{text}' is not a JSON path: it must start with $ (e.g. $.name)";
            return false;
        }

        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var start = ++i;
                while (i < path.Length && path[i] != '.' && path[i] != '[')
                {
                    i++;
                }

                if (i == start)
                {
                    error = $"'{text}' is not a JSON path: a member name is missing at position {start}";
                    return false;
                }

                steps.Add(path[start..i]);
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"'{text}' is not a JSON path: '[' at position {i} is not closed";
                    return false;
                }

                var inside = path[(i + 1)..close].Trim();
                if (inside.Length >= 2 && (inside[0] == '\'' || inside[0] == '"') && inside[^1] == inside[0])
                {
                    steps.Add(inside[1..^1]);
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(index);
                }
                else
                {
                    error = $"'{text}' is not a JSON path: [{inside}] is neither a list index nor a quoted member name";
                    return false;
                }

                i = close + 1;
            }
            else
            {
                error = $"'{text}' is not a JSON path: unexpected '{path[i]}' at position {i}";
                return false;
            }
        }

        query = new JsonPathQuery(text, steps);
        error = null;
        return true;
    }

    /// <summary>The value the path names in <paramref name="document"/>; false when a member or index is absent.</summary>
    public bool TrySelect(JsonNode? document, out JsonNode? value)
    {
        value = document;
        foreach (var step in _steps)
        {
            switch (step)
            {
                case string member when value is JsonObject obj && obj.TryGetPropertyValue(member, out var child):
                    value = child;
                    break;
                case int index when value is JsonArray array && index < array.Count:
                    value = array[index];
                    break;
                default:
                    value = null;
                    return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;
}
