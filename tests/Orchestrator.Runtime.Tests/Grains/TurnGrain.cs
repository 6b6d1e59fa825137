namespace Orchestrator.Runtime.Tests.Grains;

public sealed class TurnGrain : Grain, ITurnGrain
{
    private readonly List<int> _log = [];
    private int _inside;
    private int _maxInside;

    public async Task AppendAsync(int value)
    {
        var inside = Interlocked.Increment(ref _inside);
        _maxInside = Math.Max(_maxInside, inside);
        await Task.Yield();
        _log.Add(value);
        await Task.Yield();
        Interlocked.Decrement(ref _inside);
    }

    public Task<(IReadOnlyList<int> Log, int MaxInside)> GetLogAsync() =>
        Task.FromResult<(IReadOnlyList<int>, int)>(([.. _log], _maxInside));

    public async Task WriteGatedAsync(TaskCompletionSource entered, Task release)
    {
        entered.TrySetResult();
        await release;
    }

    public async Task<int> ReadGatedAsync(TaskCompletionSource entered, Task release)
    {
        entered.TrySetResult();
        await release;
        return _log.Count;
    }

    public async Task ThrowAsync(string message, bool afterAwait)
    {
        if (afterAwait)
        {
            await Task.Yield();
        }

        throw new InvalidOperationException(message);
    }

    public Task HangAsync(Task release) => release;

    public ValueTask<int> AddAsync(int a, int b) => ValueTask.FromResult(a + b);
}
