using Orchestrator.Api.Security;

namespace Orchestrator.Silo.Security;

/// <summary>Reads <c>--api-keys-file</c>: one key a line as <c>&lt;role&gt; &lt;key&gt;</c>; blank lines and lines
/// starting with <c>#</c> are skipped.</summary>
internal static class ApiKeyFile
{
    public static IReadOnlyList<(ApiRole Role, string Key)> Read(string path, List<string> problems)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"The API keys file (--api-keys-file) '{path}' cannot be read: {e.Message}");
            return [];
        }

        var keys = new List<(ApiRole, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !ApiRoles.TryParse(parts[0], out var role))
            {
                problems.Add($"The API keys file (--api-keys-file) '{path}', line {i + 1}: expected '<role> <key>' with a role of {ApiRoles.Names}.");
                continue;
            }

            if (parts[1].Length < 16)
            {
                problems.Add($"The API keys file (--api-keys-file) '{path}', line {i + 1}: a key must be at least 16 characters long.");
                continue;
            }

            keys.Add((role, parts[1]));
        }

        return keys;
    }
}
