namespace Orchestrator.Runtime.Tests.Grains;

/// <summary>Observes how calls are scheduled on one activation.</summary>
public interface ITurnGrain : IGrainWithStringKey
{
    /// <summary>Appends to the log, yielding in the middle; records the highest number of calls inside at once.</summary>
    Task AppendAsync(int value);

    [ReadOnly]
    Task<(IReadOnlyList<int> Log, int MaxInside)> GetLogAsync();

    /// <summary>Signals <paramref name="entered"/>, then waits for <paramref name="release"/>.</summary>
    Task WriteGatedAsync(TaskCompletionSource entered, Task release);

    /// <summary>Read-only: signals <paramref name="entered"/>, then waits for <paramref name="release"/>.</summary>
    [ReadOnly]
    Task<int> ReadGatedAsync(TaskCompletionSource entered, Task release);

    Task ThrowAsync(string message, bool afterAwait);

    Task HangAsync(Task release);

    ValueTask<int> AddAsync(int a, int b);
}
