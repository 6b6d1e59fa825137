using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Definitions;

namespace Orchestrator.Api.Problems;

/// <summary>RFC 7807 problem responses that name the field at fault.</summary>
internal static class ApiProblems
{
    /// <summary>The extension member that names the request field at fault (<c>body</c> for the body as a whole).</summary>
    public const string FieldMember = "field";

    public static ProblemHttpResult BadRequest(string field, string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Bad request", detail, field);

    /// <summary>422: the request reads, but a field's value cannot be used.</summary>
    public static ProblemHttpResult Unprocessable(string field, string detail) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "Unprocessable request", detail, field);

    public static ProblemHttpResult NotFound(string detail, string? field = null) =>
        Problem(StatusCodes.Status404NotFound, "Not found", detail, field);

    public static ProblemHttpResult Conflict(string detail) =>
        Problem(StatusCodes.Status409Conflict, "Conflict", detail, null);

    public static ProblemHttpResult PayloadTooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the request body is larger than {limit} bytes", "body");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType, string expected) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            $"Content-Type '{contentType}' is not accepted here; send {expected}", "Content-Type");

    public static ProblemHttpResult Unavailable(string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail, null);

    /// <summary>A definition with problems: 400 when the text could not be read, 422 when it read but is invalid.
    /// Every problem is listed under <c>errors</c> with its path; <c>field</c> names the first.</summary>
    public static ProblemHttpResult Definition(IReadOnlyList<DefinitionProblem> problems)
    {
        var syntax = problems.Any(p => p.Line is not null);
        return TypedResults.Problem(
            $"The definition has {problems.Count} problem(s).",
            statusCode: syntax ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity,
            title: syntax ? "Malformed definition" : "Invalid definition",
            extensions: new Dictionary<string, object?>
            {
                [FieldMember] = problems.Count > 0 && problems[0].Path.Length > 0 ? problems[0].Path : "body",
                ["errors"] = problems.Select(p => new { path = p.Path, message = p.Message, line = p.Line, column = p.Column }).ToArray(),
            });
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, string? field) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: field is null ? null : new Dictionary<string, object?> { [FieldMember] = field });
}
