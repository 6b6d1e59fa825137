namespace Orchestrator.Providers.Faults;

/// <summary>The dice of the fault injector and what it did. Each call rolls once: it fails before the store, fails after
/// the store committed it (changing calls only; a read that rolls this fails before), is delayed, or passes.</summary>
public sealed class StorageFaults
{
    private readonly StorageFaultOptions _options;
    private readonly Random _dice;
    private readonly Lock _lock = new();
    private long _failedBefore;
    private long _failedAfter;
    private long _delayed;
    private long _calls;

    /// <summary>Dice for <paramref name="options"/>.</summary>
    public StorageFaults(StorageFaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _dice = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>What the injector was told.</summary>
    public StorageFaultOptions Options => _options;

    /// <summary>Calls that went through the injector.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Calls failed before the store.</summary>
    public long FailedBefore => Interlocked.Read(ref _failedBefore);

    /// <summary>Changes failed after the store committed them.</summary>
    public long FailedAfter => Interlocked.Read(ref _failedAfter);

    /// <summary>Calls held before the store.</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    /// <summary>A read: fails or waits before <paramref name="call"/>, as the dice say.</summary>
    public async Task<T> ReadAsync<T>(string operation, Func<Task<T>> call)
    {
        await BeforeAsync(operation, Roll(), changes: false).ConfigureAwait(false);
        return await call().ConfigureAwait(false);
    }

    /// <summary>A change: fails or waits before <paramref name="call"/>, or fails after it committed, as the dice say.
    /// <paramref name="lost"/> runs before a failure after the commit, to undo what the caller would not have learnt.</summary>
    public async Task<T> ChangeAsync<T>(string operation, Func<Task<T>> call, Action? lost = null)
    {
        var roll = Roll();
        await BeforeAsync(operation, roll, changes: true).ConfigureAwait(false);
        var result = await call().ConfigureAwait(false);
        if (roll == Fault.After)
        {
            lost?.Invoke();
            Interlocked.Increment(ref _failedAfter);
            throw new InjectedStorageFaultException(operation, committed: true);
        }

        return result;
    }

    /// <summary>A change without a result.</summary>
    public Task ChangeAsync(string operation, Func<Task> call, Action? lost = null) =>
        ChangeAsync(operation, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, lost);

    private async Task BeforeAsync(string operation, Fault roll, bool changes)
    {
        switch (roll)
        {
            case Fault.Before:
            case Fault.After when !changes:
                Interlocked.Increment(ref _failedBefore);
                throw new InjectedStorageFaultException(operation, committed: false);
            case Fault.Delay:
                Interlocked.Increment(ref _delayed);
                await Task.Delay(_options.Delay).ConfigureAwait(false);
                break;
        }
    }

    private Fault Roll()
    {
        Interlocked.Increment(ref _calls);
        double roll;
        lock (_lock)
        {
            roll = _dice.NextDouble();
        }

        if (roll < _options.FailBefore)
        {
            return Fault.Before;
        }

        roll -= _options.FailBefore;
        if (roll < _options.FailAfter)
        {
            return Fault.After;
        }

        roll -= _options.FailAfter;
        return roll < _options.Delayed ? Fault.Delay : Fault.None;
    }

    private enum Fault
    {
        None,
        Before,
        After,
        Delay,
    }
}
