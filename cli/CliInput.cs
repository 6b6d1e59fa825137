using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Cli;

/// <summary>Reading what the command line names: files, JSON values and status names, each refused with a message that
/// names the option.</summary>
internal static class CliInput
{
    /// <summary>The text of the file <paramref name="path"/> (<c>-</c> for standard input).</summary>
    public static string ReadFile(string option, string path)
    {
        try
        {
            return path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliUsageException($"{option}: cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>A JSON value given inline or, as <c>@file</c>, in a file.</summary>
    public static JsonNode? Json(string option, string? text)
    {
        if (text is null)
        {
            return null;
        }

        var source = text.StartsWith('@') ? ReadFile(option, text[1..]) : text;
        try
        {
            return JsonNode.Parse(source);
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{option}: not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>A status by the name the API uses (<c>running</c>, <c>retry_scheduled</c>).</summary>
    public static TEnum? Enum<TEnum>(string option, string? text)
        where TEnum : struct, Enum
    {
        if (text is null)
        {
            return null;
        }

        foreach (var value in System.Enum.GetValues<TEnum>())
        {
            if (string.Equals(Show.Name(value), text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new CliUsageException($"{option}: '{text}' is not one of {string.Join(", ", System.Enum.GetValues<TEnum>().Select(v => Show.Name(v)))}");
    }
}
