using System.Text.Json.Nodes;
using Orchestrator.Cli;

namespace Orchestrator.Silo.Tests.Cli;

/// <summary>One invocation of the <c>orchestrator</c> tool through its entry point, with standard output redirected (plain
/// text): its exit code, output and errors.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="args"/> with <c>ORCHESTRATOR_URL</c> set to <paramref name="server"/>.</summary>
    public static async Task<CliRun> RunAsync(Uri server, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(Patience);
        var console = CliConsole.Plain(output, error, name => name == "ORCHESTRATOR_URL" ? server.ToString() : null);
        var code = await CliApp.RunAsync(args, console, timeout.Token);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Standard output as one JSON document.</summary>
    public JsonNode Json => JsonNode.Parse(Out) ?? throw new InvalidOperationException("the output was JSON null");

    /// <summary>Standard output as JSON lines.</summary>
    public IReadOnlyList<JsonObject> JsonLines =>
        [.. Lines.Select(line => JsonNode.Parse(line)!.AsObject())];

    public IReadOnlyList<string> Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The rows of the table on standard output (its first line is the header), each by column header. Columns
    /// start where their headers start.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Table => ParseTable(Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList());

    /// <summary>The fields of a detail view: the lines before its first blank line, name then value.</summary>
    public IReadOnlyDictionary<string, string> Fields
    {
        get
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in Out.Split('\n').Select(l => l.TrimEnd('\r')).TakeWhile(l => l.Length > 0))
            {
                var parts = System.Text.RegularExpressions.Regex.Split(line, " {2,}", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
                fields[parts[0]] = parts.Length > 1 ? string.Join("  ", parts[1..]) : "";
            }

            return fields;
        }
    }

    /// <summary>The table under the title <paramref name="title"/> in a detail view.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Section(string title)
    {
        var lines = Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.IndexOf(title);
        Assert.True(start >= 0, $"no section '{title}' in:\n{Out}");
        return ParseTable(lines.Skip(start + 1).TakeWhile(l => l.Length > 0).ToList());
    }

    public override string ToString() => $"exit {ExitCode}\n--- out\n{Out}\n--- error\n{Error}";

    private static List<IReadOnlyDictionary<string, string>> ParseTable(List<string> lines)
    {
        var header = lines[0];
        var starts = System.Text.RegularExpressions.Regex.Matches(header, @"\S+( \S+)*", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1))
            .Select(m => (Name: m.Value, Start: m.Index)).ToList();
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (var line in lines.Skip(1).Where(l => l.Trim().Length > 0))
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < starts.Count; i++)
            {
                var from = starts[i].Start;
                var to = i + 1 < starts.Count ? starts[i + 1].Start : line.Length;
                row[starts[i].Name] = from >= line.Length ? "" : line[from..Math.Min(to, line.Length)].Trim();
            }

            rows.Add(row);
        }

        return rows;
    }
}
