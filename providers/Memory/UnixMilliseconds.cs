namespace Orchestrator.Providers.Memory;

/// <summary>Rounds times the way the SQL backends store them (whole Unix milliseconds, UTC), so the memory backend
/// returns the same values they do.</summary>
internal static class UnixMilliseconds
{
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
