using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Api.Problems;
using Orchestrator.Schedules;

namespace Orchestrator.Api.Schedules;

/// <summary>Problems of the schedule routes: an invalid schedule is a <c>422</c> listing every problem with its field.</summary>
internal static class ScheduleProblems
{
    /// <summary><c>422</c>: <c>field</c> names the first problem's field, <c>errors</c> lists them all as <c>{field, message}</c>.
    /// <paramref name="fieldName"/> renames fields for a route that calls them otherwise (seed 004's <c>taskConfig</c>).</summary>
    public static ProblemHttpResult Invalid(IReadOnlyList<ScheduleProblem> problems, Func<string, string>? fieldName = null)
    {
        var name = fieldName ?? (field => field);
        var first = problems.Count > 0 ? name(problems[0].Field) : "body";
        return TypedResults.Problem(
            $"The schedule has {problems.Count} problem(s): " + string.Join("; ", problems.Select(p => $"{name(p.Field)}: {p.Message}")),
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Invalid schedule",
            extensions: new Dictionary<string, object?>
            {
                [ApiProblems.FieldMember] = first,
                ["errors"] = problems.Select(p => new { field = name(p.Field), message = p.Message }).ToArray(),
            });
    }

    /// <summary>What a schedule grain call threw, as the client's problem; null for what is not the client's doing.</summary>
    public static ProblemHttpResult? ToProblem(Exception exception, Func<string, string>? fieldName = null) => exception switch
    {
        ScheduleInvalidException e => Invalid(e.Problems, fieldName),
        _ => GrainErrors.ToProblem(exception, "id"),
    };
}
