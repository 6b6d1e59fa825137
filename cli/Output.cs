using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Cli;

/// <summary>How results are written: <c>table</c> for people, <c>json</c> (the server's answer, indented) and
/// <c>jsonl</c> (one object a line) for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
    Jsonl,
}

/// <summary>One column of a table: its header and how a row's cell is written.</summary>
internal sealed record Column<T>(string Header, Func<T, string?> Value);

/// <summary>Writes results in the format asked for: data to standard output, hints to standard error.</summary>
internal sealed class Output(CliConsole console, OutputFormat format)
{
    /// <summary>JSON as the server writes it (camelCase, nulls left out, enums by name), indented.</summary>
    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The same on one line.</summary>
    public static readonly JsonSerializerOptions Compact = new(Indented) { WriteIndented = false };

    public OutputFormat Format => format;

    public CliConsole Console => console;

    /// <summary>Writes <paramref name="value"/> as JSON: indented with <c>json</c>, on one line otherwise.</summary>
    public void Json<T>(T value) =>
        console.Out.WriteLine(JsonSerializer.Serialize(value, format == OutputFormat.Json ? Indented : Compact));

    /// <summary>One thing: as JSON, or as a list of fields followed by tables of its parts.</summary>
    public void Item<T>(T value, Action<DetailView> describe)
    {
        if (format != OutputFormat.Table)
        {
            Json(value);
            return;
        }

        var view = new DetailView();
        describe(view);
        foreach (var part in view.Parts)
        {
            Write(part);
        }
    }

    /// <summary>A listing: with <c>json</c>, <paramref name="answer"/> as the server gave it; with <c>jsonl</c>, one
    /// item a line; as a table otherwise, with a hint on standard error when there is a next page.</summary>
    public void List<T>(object answer, IReadOnlyList<T> items, string? cursor, string noun, IReadOnlyList<Column<T>> columns)
    {
        switch (format)
        {
            case OutputFormat.Json:
                console.Out.WriteLine(JsonSerializer.Serialize(answer, answer.GetType(), Indented));
                return;
            case OutputFormat.Jsonl:
                foreach (var item in items)
                {
                    console.Out.WriteLine(JsonSerializer.Serialize(item, Compact));
                }

                return;
        }

        if (items.Count == 0)
        {
            console.Error.WriteLine($"no {noun}");
            return;
        }

        Write(Table(items, columns));
        if (cursor is not null)
        {
            console.Error.WriteLine($"more {noun}: add --cursor {cursor}");
        }
    }

    /// <summary>Writes <paramref name="renderable"/> to the terminal; when standard output is not one, as plain lines
    /// without the padding that fills a terminal's width.</summary>
    public void Write(IRenderable renderable)
    {
        if (console.IsTerminal)
        {
            console.Terminal.Write(renderable);
            return;
        }

        using var text = new StringWriter();
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        plain.Profile.Width = PlainWidth;
        plain.Write(renderable);
        foreach (var line in text.ToString().TrimEnd().ReplaceLineEndings("\n").Split('\n'))
        {
            console.Out.WriteLine(line.TrimEnd());
        }
    }

    /// <summary>Columns of plain output: wide enough that no table wraps.</summary>
    private const int PlainWidth = 4096;

    /// <summary>One record of a stream (an event, a log line): its object on one line in the JSON formats, else
    /// <paramref name="line"/>.</summary>
    public void Record<T>(T value, Func<T, string> line)
    {
        if (format == OutputFormat.Table)
        {
            Line(line(value));
        }
        else
        {
            console.Out.WriteLine(JsonSerializer.Serialize(value, Compact));
        }
    }

    /// <summary>A line of plain text on standard output.</summary>
    public void Line(string text) => console.Out.WriteLine(text);

    /// <summary>A table of <paramref name="items"/>; every cell is plain text (no markup).</summary>
    public static Table Table<T>(IEnumerable<T> items, IReadOnlyList<Column<T>> columns)
    {
        var table = new Table { Border = TableBorder.None };
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column.Header)) { NoWrap = true, Padding = new Padding(0, 0, 2, 0) });
        }

        foreach (var item in items)
        {
            table.AddRow(columns.Select(c => (IRenderable)new Text(c.Value(item) ?? "")));
        }

        return table;
    }
}

/// <summary>The table view of one thing: its fields, then tables of its parts.</summary>
internal sealed class DetailView
{
    private readonly Grid _fields = new Grid().AddColumn(new GridColumn { NoWrap = true }).AddColumn();

    public DetailView() => Parts.Add(_fields);

    public List<IRenderable> Parts { get; } = [];

    /// <summary>A field; left out when it has no value.</summary>
    public DetailView Field(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _fields.AddRow(new Text(name), new Text(value));
        }

        return this;
    }

    /// <summary>A table of the thing's parts under a title; left out when there are none.</summary>
    public DetailView Table<T>(string title, IReadOnlyCollection<T> items, IReadOnlyList<Column<T>> columns)
    {
        if (items.Count > 0)
        {
            Parts.Add(new Text($"{Environment.NewLine}{title}"));
            Parts.Add(Output.Table(items, columns));
        }

        return this;
    }

    /// <summary>A block of text (a definition, a payload) under a title.</summary>
    public DetailView Block(string title, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            Parts.Add(new Text($"{Environment.NewLine}{title}{Environment.NewLine}{text}{Environment.NewLine}"));
        }

        return this;
    }
}

/// <summary>How values read in tables: times in local time, durations short, enums as the API names them.</summary>
internal static class Show
{
    public static string? Time(DateTimeOffset? at) =>
        at?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string? Clock(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>From <paramref name="start"/> to <paramref name="end"/> (or now, for something still going).</summary>
    public static string? Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } from ? Duration((end ?? DateTimeOffset.UtcNow) - from) : null;

    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => $"{Math.Max(0, span.TotalMilliseconds):0} ms",
        { TotalMinutes: < 1 } => $"{span.TotalSeconds:0.0} s",
        { TotalHours: < 1 } => $"{(int)span.TotalMinutes}m {span.Seconds:00}s",
        _ => $"{(int)span.TotalHours}h {span.Minutes:00}m",
    };

    /// <summary>An enum as the API writes it (<c>running</c>, <c>retry_scheduled</c>).</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonSerializer.Serialize(value, Output.Compact).Trim('"');

    public static string? Name<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value is { } v ? Name(v) : null;

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string? Number(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>JSON on one line, cut at <paramref name="max"/> characters.</summary>
    public static string? Json(JsonNode? node, int max = 80) => node is null ? null : Cut(node.ToJsonString(Output.Compact), max);

    public static string? Cut(string? text, int max = 80)
    {
        if (text is null)
        {
            return null;
        }

        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max - 1), "…");
    }
}
