using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Problems;

/// <summary>Maps what a grain call threw onto the problem for the client: no such thing → <c>404</c>, an action the
/// current state refuses → <c>409</c>, a bad argument → <c>400</c>, the silo stopping → <c>503</c>. Anything else is
/// not the client's doing and is left to the exception handler.</summary>
internal static class GrainErrors
{
    public static ProblemHttpResult? ToProblem(Exception exception, string? field = null) => exception switch
    {
        SiloUnavailableException e => ApiProblems.Unavailable(e.Message),
        KeyNotFoundException e => ApiProblems.NotFound(e.Message, field),
        ArgumentException e => ApiProblems.BadRequest(e.ParamName ?? field ?? "body", e.Message),
        InvalidOperationException e => ApiProblems.Conflict(e.Message),
        _ => null,
    };
}
