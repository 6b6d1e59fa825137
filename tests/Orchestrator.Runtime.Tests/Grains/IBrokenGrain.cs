namespace Orchestrator.Runtime.Tests.Grains;

public interface IBrokenGrain : IGrainWithStringKey
{
    Task PingAsync();
}

/// <summary>Fails in OnActivateAsync.</summary>
public sealed class BrokenGrain : Grain, IBrokenGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("activation refused");

    public Task PingAsync() => Task.CompletedTask;
}
