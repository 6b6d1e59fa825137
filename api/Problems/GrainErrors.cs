using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Definitions;
using Orchestrator.Errors;
using Orchestrator.Loops;
using Orchestrator.Providers.Streams;
using Orchestrator.Runs;
using Orchestrator.Schedules;
using Orchestrator.Workflows;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Problems;

/// <summary>Maps what a grain call threw onto the problem for the client. The typed exceptions of the grain interfaces
/// say what happened: no such run, workflow, schedule, loop or error record → <c>404</c>; an action the current state
/// refuses → <c>409</c>; an invalid definition → <c>422</c>. A bad argument is a <c>400</c>, the silo stopping a
/// <c>503</c>. Anything else (a bare <see cref="KeyNotFoundException"/> or <see cref="InvalidOperationException"/>
/// included) is not the client's doing and is left to the exception handler (<c>500</c>, see
/// <see cref="ExceptionStatusCodes"/>).</summary>
internal static class GrainErrors
{
    public static ProblemHttpResult? ToProblem(Exception exception, string? field = null) => exception switch
    {
        SiloUnavailableException e => ApiProblems.Unavailable(e.Message),
        _ when IsNotFound(exception) => ApiProblems.NotFound(exception.Message, field),
        _ when IsConflict(exception) => ApiProblems.Conflict(exception.Message),
        DefinitionInvalidException e => ApiProblems.Definition(e.Problems),
        ArgumentException e => ApiProblems.BadRequest(e.ParamName ?? field ?? "body", e.Message),
        _ => null,
    };

    /// <summary>The status of a typed grain exception that reached the exception handler; null for any other.</summary>
    public static int? StatusOf(Exception exception) => exception switch
    {
        _ when IsNotFound(exception) => 404,
        _ when IsConflict(exception) => 409,
        DefinitionInvalidException => 422,
        _ => null,
    };

    private static bool IsNotFound(Exception exception) =>
        exception is RunNotFoundException or WorkflowNotFoundException or ScheduleNotFoundException or LoopNotFoundException
            or ErrorRecordNotFoundException or Orchestrator.Tasks.TaskNotFoundException;

    private static bool IsConflict(Exception exception) =>
        exception is RunConflictException or WorkflowRetiredException or ScheduleConflictException or LoopConflictException
            or ErrorRecordConflictException or Orchestrator.Tasks.TaskConflictException;
}
