namespace Orchestrator.Definitions;

/// <summary>
/// What <see cref="DefinitionParser"/> read: the model (null when the text could not be read as a definition at
/// all) and the problems found while reading (malformed text with its line and column, duplicate keys, unknown
/// properties, values of the wrong kind).
/// </summary>
public sealed record DefinitionParseResult(WorkflowDefinition? Definition, IReadOnlyList<DefinitionProblem> Problems);
