using Microsoft.AspNetCore.Http;
using Orchestrator.Api.Problems;
using Orchestrator.Errors;
using Orchestrator.Loops;
using Orchestrator.Runs;
using Orchestrator.Schedules;
using Orchestrator.Workflows;

namespace Orchestrator.Silo.Tests.Rest;

/// <summary>Which status a grain's exception answers: the typed exceptions of the grain interfaces say what happened;
/// anything else is the server's fault.</summary>
public sealed class GrainErrorsTests
{
    public static TheoryData<Exception, int> Typed => new()
    {
        { new RunNotFoundException("r", "no run"), StatusCodes.Status404NotFound },
        { new WorkflowNotFoundException("no workflow"), StatusCodes.Status404NotFound },
        { new ScheduleNotFoundException("no schedule"), StatusCodes.Status404NotFound },
        { new LoopNotFoundException("r:main", "no loop"), StatusCodes.Status404NotFound },
        { new ErrorRecordNotFoundException("e1", "no record"), StatusCodes.Status404NotFound },
        { new RunConflictException("r", "finished"), StatusCodes.Status409Conflict },
        { new WorkflowRetiredException("retired"), StatusCodes.Status409Conflict },
        { new ScheduleConflictException("exists"), StatusCodes.Status409Conflict },
        { new LoopConflictException("r:main", "ended"), StatusCodes.Status409Conflict },
        { new ErrorRecordConflictException("e1", "resolved"), StatusCodes.Status409Conflict },
    };

    [Theory]
    [MemberData(nameof(Typed))]
    public void TypedGrainException_AnswersItsStatus_FromAnEndpointAndFromTheExceptionHandler(Exception exception, int status)
    {
        var problem = GrainErrors.ToProblem(exception, "id");

        Assert.NotNull(problem);
        Assert.Equal(status, problem.StatusCode);
        Assert.Equal(exception.Message, problem.ProblemDetails.Detail);
        Assert.Equal(status, ExceptionStatusCodes.Select(exception));
    }

    [Theory]
    [InlineData(typeof(KeyNotFoundException))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(NullReferenceException))]
    public void UntypedException_IsLeftToTheExceptionHandler_AndAnswers500(Type type)
    {
        var exception = (Exception)Activator.CreateInstance(type, "something broke")!;

        Assert.Null(GrainErrors.ToProblem(exception, "id"));
        Assert.Equal(StatusCodes.Status500InternalServerError, ExceptionStatusCodes.Select(exception));
    }
}
