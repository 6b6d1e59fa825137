namespace Orchestrator.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync(int by);

    [ReadOnly]
    Task<int> GetAsync();

    Task DeactivateAsync();

    Task<string> GetEtagAsync();

    Task SetDirectAsync(int value);

    Task ClearAsync();
}

public sealed class CounterState
{
    public int Value { get; set; }
}
