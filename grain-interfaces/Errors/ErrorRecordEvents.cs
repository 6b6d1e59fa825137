namespace Orchestrator.Errors;

/// <summary>Where error records are announced when they are created or change.</summary>
public static class ErrorRecordEvents
{
    /// <summary>Memory-stream namespace (key <see cref="AllKey"/>) carrying <see cref="ErrorRecordSnapshot"/> items.</summary>
    public const string StreamNamespace = "error-events";

    /// <summary>The stream key every error record publishes on.</summary>
    public const string AllKey = "*";
}
