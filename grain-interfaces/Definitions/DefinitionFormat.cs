namespace Orchestrator.Definitions;

/// <summary>The text format a definition is written in.</summary>
public enum DefinitionFormat
{
    /// <summary>JSON when the text starts with <c>{</c> and reads as JSON, otherwise YAML.</summary>
    Auto,

    /// <summary>JSON (comments and trailing commas allowed).</summary>
    Json,

    /// <summary>YAML 1.2 (a single document; core schema for plain scalars).</summary>
    Yaml,
}
