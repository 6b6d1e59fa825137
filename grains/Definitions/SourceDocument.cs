using System.Text.Json.Nodes;

namespace Orchestrator.Definitions;

/// <summary>
/// A definition's text read into a JSON tree, with the problems found while reading it (duplicate keys).
/// <see cref="IsMalformed"/> means the text could not be read at all and <see cref="Root"/> is meaningless.
/// </summary>
internal sealed record SourceDocument(JsonNode? Root, IReadOnlyList<DefinitionProblem> Problems, bool IsMalformed)
{
    public static SourceDocument Malformed(string message, long line, long column) =>
        new(null, [new DefinitionProblem("", message) { Line = (int)line, Column = (int)column }], IsMalformed: true);
}
