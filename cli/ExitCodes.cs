namespace Orchestrator.Cli;

/// <summary>The tool's exit codes: part of its interface for scripts.</summary>
public static class ExitCodes
{
    /// <summary>It worked.</summary>
    public const int Success = 0;

    /// <summary>The run failed or was cancelled (<c>--wait</c>, <c>--watch</c>), the thing named was not found (404),
    /// the silo is unhealthy, or the server failed.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage, or input the server refused (400, 409, 413, 415, 422).</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached, or refused the credentials (401, 403).</summary>
    public const int Unreachable = 3;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;
}
