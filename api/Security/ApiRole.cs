namespace Orchestrator.Api.Security;

/// <summary>What a key may do, each role including the ones below it: <see cref="Viewer"/> reads,
/// <see cref="Operator"/> also acts on runs, loops, schedules and error records, <see cref="Admin"/> also changes
/// workflows, schedules and keys.</summary>
public enum ApiRole
{
    Viewer = 1,
    Operator = 2,
    Admin = 3,
}

/// <summary>Roles by the names the API and the key file use (<c>viewer</c>, <c>operator</c>, <c>admin</c>).</summary>
public static class ApiRoles
{
    public static string Name(ApiRole role) => role switch
    {
        ApiRole.Viewer => "viewer",
        ApiRole.Operator => "operator",
        ApiRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    public static bool TryParse(string? text, out ApiRole role)
    {
        role = text?.Trim().ToLowerInvariant() switch
        {
            "viewer" => ApiRole.Viewer,
            "operator" => ApiRole.Operator,
            "admin" => ApiRole.Admin,
            _ => 0,
        };
        return role != 0;
    }

    public const string Names = "viewer, operator or admin";
}
