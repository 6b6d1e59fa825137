namespace Orchestrator.Definitions;

/// <summary>The naming rules: workflow and queue names are <c>[a-z0-9._-]</c>; node and loop names are <c>[A-Za-z0-9_-]</c> so that <c>nodes.&lt;name&gt;</c> reads them.</summary>
internal static class DefinitionNames
{
    public const string WorkflowNameRule = "must be 1 to 100 characters of a-z, 0-9, '.', '_' and '-'";

    public const string NodeNameRule = "names must be 1 to 100 characters of letters, digits, '_' and '-'";

    public static bool IsWorkflowName(string name) =>
        name.Length is > 0 and <= DefinitionLimits.MaxNameLength
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');

    public static bool IsNodeName(string name) =>
        name.Length is > 0 and <= DefinitionLimits.MaxNameLength
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
