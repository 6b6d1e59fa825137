using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Definitions;

namespace Orchestrator.Api.Problems;

/// <summary>RFC 7807 problem responses that name the field at fault.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string field, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request",
            extensions: new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>A definition with problems: 400 when the text could not be read, 422 when it read but is invalid.</summary>
    public static ProblemHttpResult Definition(IReadOnlyList<DefinitionProblem> problems)
    {
        var syntax = problems.Any(p => p.Line is not null);
        return TypedResults.Problem(
            $"The definition has {problems.Count} problem(s).",
            statusCode: syntax ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity,
            title: syntax ? "Malformed definition" : "Invalid definition",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = problems.Select(p => new { path = p.Path, message = p.Message, line = p.Line, column = p.Column }).ToArray(),
            });
    }
}
