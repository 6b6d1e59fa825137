using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Runtime.Activation;
using Orchestrator.Runtime.Testing;
using Orchestrator.Runtime.Tests.Grains;

namespace Orchestrator.Runtime.Tests;

public sealed class ActivationTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(Silos.Options(_probe));

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Calls_RunOneAtATimeInArrivalOrder_WhenAThousandAreSentAtOnce()
    {
        var grain = _silo.GrainFactory.GetGrain<ITurnGrain>("ordered");
        var calls = Enumerable.Range(0, 1000).Select(grain.AppendAsync).ToArray();
        await Task.WhenAll(calls);

        var (log, maxInside) = await grain.GetLogAsync();
        Assert.Equal(Enumerable.Range(0, 1000), log);
        Assert.Equal(1, maxInside);
    }

    [Fact]
    public async Task Calls_NeverOverlap_WhenAThousandCallersRunOnManyThreads()
    {
        var grain = _silo.GrainFactory.GetGrain<ITurnGrain>("concurrent");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
        {
            await start.Task;
            await grain.AppendAsync(i);
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(callers);

        var (log, maxInside) = await grain.GetLogAsync();
        Assert.Equal(1000, log.Count);
        Assert.Equal(Enumerable.Range(0, 1000), log.Order());
        Assert.Equal(1, maxInside);
    }

    [Fact]
    public async Task ReadOnlyCalls_Interleave_WithEachOther()
    {
        var grain = _silo.GrainFactory.GetGrain<ITurnGrain>("readers");
        var release = new TaskCompletionSource();
        var firstEntered = new TaskCompletionSource();
        var secondEntered = new TaskCompletionSource();

        var first = grain.ReadGatedAsync(firstEntered, release.Task);
        var second = grain.ReadGatedAsync(secondEntered, release.Task);

        // Both readers are inside at the same time: neither can finish before the release.
        await Task.WhenAll(firstEntered.Task, secondEntered.Task).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, Activation("turn", "readers").RunningCount);
        release.SetResult();
        await Task.WhenAll(first, second);
    }

    [Fact]
    public async Task WriteCalls_DoNotInterleave_AndReadsQueueBehindAWaitingWrite()
    {
        var grain = _silo.GrainFactory.GetGrain<ITurnGrain>("writers");
        var release = new TaskCompletionSource();
        var firstEntered = new TaskCompletionSource();
        var secondEntered = new TaskCompletionSource();
        var readEntered = new TaskCompletionSource();

        var first = grain.WriteGatedAsync(firstEntered, release.Task);
        await firstEntered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = grain.WriteGatedAsync(secondEntered, Task.CompletedTask);
        var read = grain.ReadGatedAsync(readEntered, Task.CompletedTask);

        var activation = Activation("turn", "writers");
        Assert.Equal(1, activation.RunningCount);
        Assert.Equal(2, activation.QueuedCount);
        Assert.False(secondEntered.Task.IsCompleted);
        Assert.False(readEntered.Task.IsCompleted);

        release.SetResult();
        await Task.WhenAll(first, second, read);
        Assert.True(secondEntered.Task.IsCompleted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Exception_ReachesCaller_WithItsTypeAndMessage(bool afterAwait)
    {
        var grain = _silo.GrainFactory.GetGrain<ITurnGrain>("thrower");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowAsync("boom 42", afterAwait));
        Assert.Equal("boom 42", error.Message);

        // The activation is still usable after a failed call.
        Assert.Equal(5, await grain.AddAsync(2, 3));
    }

    [Fact]
    public async Task ActivationFailure_ReachesCaller_NamingTheGrain()
    {
        var grain = _silo.GrainFactory.GetGrain<IBrokenGrain>("b1");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(grain.PingAsync);
        Assert.Contains("broken/b1", error.Message, StringComparison.Ordinal);
        Assert.Contains("activation refused", error.Message, StringComparison.Ordinal);
        Assert.False(_silo.Services.GetRequiredService<Catalog>().TryGet(new GrainId("broken", "b1"), out _));
    }

    [Fact]
    public async Task State_SurvivesDeactivation_AndTheNextCallReactivates()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("c1");
        Assert.Equal(5, await grain.IncrementAsync(5));
        await grain.DeactivateAsync();
        await _probe.WaitForCountAsync("deactivate:c1:Requested", 1);

        Assert.Equal(5, await grain.GetAsync());
        Assert.Contains("activate:c1:0", _probe.Events);
        Assert.Contains("activate:c1:5", _probe.Events);
    }

    [Fact]
    public async Task CallsSentWhileDeactivating_GoToTheNextActivation()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("c2");
        await grain.IncrementAsync(1);
        var activation = Activation("counter", "c2");
        var deactivated = activation.DeactivateAsync(DeactivationReason.Requested);
        var increments = Enumerable.Range(0, 10).Select(_ => grain.IncrementAsync(1)).ToArray();
        await deactivated;
        await Task.WhenAll(increments);
        Assert.Equal(11, await grain.GetAsync());
    }

    [Fact]
    public async Task Unknown_GrainInterface_FailsWithClearMessage()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _silo.GrainFactory.GetGrain<IUnimplementedGrain>("x"));
        Assert.Contains(nameof(IUnimplementedGrain), error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    private ActivationData Activation(string type, string key)
    {
        Assert.True(_silo.Services.GetRequiredService<Catalog>().TryGet(new GrainId(type, key), out var activation));
        return activation!;
    }
}

public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task NothingAsync();
}
