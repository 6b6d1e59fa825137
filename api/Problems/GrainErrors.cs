using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Definitions;
using Orchestrator.Errors;
using Orchestrator.Providers.Streams;
using Orchestrator.Runs;
using Orchestrator.Schedules;
using Orchestrator.Workflows;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Problems;

/// <summary>Maps what a grain call threw onto the problem for the client. The typed exceptions of the grain interfaces
/// say what happened: no such run, workflow or schedule → <c>404</c>; an action the current state refuses → <c>409</c>;
/// an invalid definition → <c>422</c>. A bad argument is a <c>400</c>, the silo stopping a <c>503</c>. Anything else is
/// not the client's doing and is left to the exception handler (<c>500</c>, see <see cref="ExceptionStatusCodes"/>).</summary>
internal static class GrainErrors
{
    public static ProblemHttpResult? ToProblem(Exception exception, string? field = null) => exception switch
    {
        SiloUnavailableException e => ApiProblems.Unavailable(e.Message),
        RunNotFoundException or WorkflowNotFoundException or ScheduleNotFoundException => ApiProblems.NotFound(exception.Message, field),
        RunConflictException or WorkflowRetiredException or ErrorRecordConflictException or ScheduleConflictException => ApiProblems.Conflict(exception.Message),
        DefinitionInvalidException e => ApiProblems.Definition(e.Problems),
        ArgumentException e => ApiProblems.BadRequest(e.ParamName ?? field ?? "body", e.Message),

        // The loop and error-record grains still throw the bare exceptions for "no such loop or record" and "the loop's
        // state refuses"; they go once those grains throw typed ones.
        KeyNotFoundException e => ApiProblems.NotFound(e.Message, field),
        InvalidOperationException e => ApiProblems.Conflict(e.Message),
        _ => null,
    };

    /// <summary>The status of a typed grain exception that reached the exception handler; null for any other.</summary>
    public static int? StatusOf(Exception exception) => exception switch
    {
        RunNotFoundException or WorkflowNotFoundException or ScheduleNotFoundException => 404,
        RunConflictException or WorkflowRetiredException or ErrorRecordConflictException or ScheduleConflictException => 409,
        DefinitionInvalidException => 422,
        _ => null,
    };
}
