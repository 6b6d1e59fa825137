using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class FailExecutorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Fail_FailsWithTheDefaultMessage_WhenAttemptIsWithinTimes(int attempt)
    {
        using var services = NodeServices.Create();

        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => services.Registry().ExecuteAsync(Invocations.Create("""{"type":"fail","times":2}""", attempt: attempt), CancellationToken.None));

        Assert.Equal($"fail node: attempt {attempt} of 2 fails", error.Message);
    }

    [Fact]
    public async Task Fail_SucceedsWithTheAttempt_WhenAttemptIsPastTimes()
    {
        using var services = NodeServices.Create();

        var outcome = await services.Registry().ExecuteAsync(Invocations.Create("""{"type":"fail","times":2}""", attempt: 3), CancellationToken.None);

        Assert.Equal("""{"attempt":3}""", outcome.Output!.ToJsonString());
    }

    [Fact]
    public async Task Fail_SucceedsAtOnce_WhenTimesIsZero()
    {
        using var services = NodeServices.Create();

        var outcome = await services.Registry().ExecuteAsync(Invocations.Create("""{"type":"fail","times":0}"""), CancellationToken.None);

        Assert.Equal("""{"attempt":1}""", outcome.Output!.ToJsonString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task Fail_FailsWithTheGivenMessage_WhenTimesIsAbsent(int attempt)
    {
        using var services = NodeServices.Create();

        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => services.Registry().ExecuteAsync(Invocations.Create("""{"type":"fail","message":"boom on ${attempt}"}""", attempt: attempt), CancellationToken.None));

        Assert.Equal($"boom on {attempt}", error.Message);
    }
}
