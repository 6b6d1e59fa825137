namespace Orchestrator.Api.Workflows;

/// <summary>The answer of <c>POST /api/workflows/validate</c> for a valid definition (an invalid one is a 422 problem).</summary>
/// <param name="Valid">Always true.</param>
/// <param name="Name">The workflow the definition would be stored under.</param>
public sealed record WorkflowValidationResponse(bool Valid, string Name);
