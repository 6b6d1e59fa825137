using Orchestrator.Providers.Faults;
using Orchestrator.Providers.Memory;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Tests.Storage;
using Orleans.Storage;

namespace Orchestrator.Providers.Tests.Faults;

/// <summary>Grain storage after a change whose answer was lost: it looks the record up again and carries on when the
/// change landed, and reports the storage unavailable when it did not or cannot tell.</summary>
public sealed class LostAnswerTests
{
    private static readonly GrainId Grain = GrainId.Create("contract", "lost");

    [Fact]
    public async Task Write_SucceedsWithTheStoredEtag_WhenItLandedButItsAnswerWasLost()
    {
        var store = new Scripted(new MemoryStateStore());
        var storage = new JsonGrainStorage(store, StorageJson.CreateOptions());
        var state = new GrainState<ContractState>(new ContractState { Payload = "one" });
        await storage.WriteStateAsync("state", Grain, state);
        var first = state.ETag;

        store.LoseNextAnswer = true;
        state.State!.Payload = "two";
        await storage.WriteStateAsync("state", Grain, state);

        Assert.NotEqual(first, state.ETag);
        var read = new GrainState<ContractState>();
        await storage.ReadStateAsync("state", Grain, read);
        Assert.Equal("two", read.State!.Payload);
        Assert.Equal(read.ETag, state.ETag);

        // The grain goes on writing with the ETag it now holds.
        state.State!.Payload = "three";
        await storage.WriteStateAsync("state", Grain, state);
    }

    [Fact]
    public async Task Write_ThrowsStorageUnavailable_AndKeepsItsEtag_WhenItFailedBeforeTheStore()
    {
        var store = new Scripted(new MemoryStateStore());
        var storage = new JsonGrainStorage(store, StorageJson.CreateOptions());
        var state = new GrainState<ContractState>(new ContractState { Payload = "one" });
        await storage.WriteStateAsync("state", Grain, state);
        var first = state.ETag;

        store.FailNextBefore = true;
        state.State!.Payload = "two";
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteStateAsync("state", Grain, state));

        Assert.Contains("writing state of", error.Message, StringComparison.Ordinal);
        Assert.Equal(first, state.ETag);
        await storage.WriteStateAsync("state", Grain, state);
    }

    [Fact]
    public async Task Write_ThrowsStorageUnavailable_WhenTheLookUpAfterALostAnswerFailsToo()
    {
        var store = new Scripted(new MemoryStateStore());
        var storage = new JsonGrainStorage(store, StorageJson.CreateOptions());
        var state = new GrainState<ContractState>(new ContractState { Payload = "one" });
        store.LoseNextAnswer = true;
        store.FailNextRead = true;

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteStateAsync("state", Grain, state));

        Assert.Contains("not known", error.Message, StringComparison.Ordinal);
        Assert.Null(state.ETag);

        // The write had landed: the next one, with the old ETag, is refused and the grain must read again.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", Grain, state));
    }

    [Fact]
    public async Task Clear_Succeeds_WhenItLandedButItsAnswerWasLost()
    {
        var store = new Scripted(new MemoryStateStore());
        var storage = new JsonGrainStorage(store, StorageJson.CreateOptions());
        var state = new GrainState<ContractState>(new ContractState { Payload = "one" });
        await storage.WriteStateAsync("state", Grain, state);

        store.LoseNextAnswer = true;
        await storage.ClearStateAsync("state", Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(await store.ReadAsync(StateKey.From(Grain), "state", CancellationToken.None));
    }

    [Theory]
    [InlineData("fail-before=2", "fail-before: '2' is not a fraction from 0 to 1")]
    [InlineData("fail-after=x", "fail-after: 'x' is not a fraction from 0 to 1")]
    [InlineData("delay=5s", "delay: '5s' is not a duration in milliseconds")]
    [InlineData("often=0.1", "'often' is not a fault setting")]
    [InlineData("fail-before", "'fail-before' is not name=value")]
    [InlineData("fail-before=0.6,fail-after=0.6", "add up to more than 1")]
    public void Options_AreRefusedNamingThePart_WhenWrong(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => StorageFaultOptions.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public async Task Injector_FailsBeforeAndAfterTheStoreAndDelays_InTheFractionsAsked()
    {
        var options = StorageFaultOptions.Parse("fail-before=0.1,fail-after=0.1,delayed=0.1,delay=0ms,seed=7");
        var faults = new StorageFaults(options);
        var stored = 0;
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < 2_000; i++)
        {
            string outcome;
            try
            {
                await faults.ChangeAsync("a change", () =>
                {
                    stored++;
                    return Task.CompletedTask;
                });
                outcome = "ok";
            }
            catch (InjectedStorageFaultException e)
            {
                outcome = e.Committed ? "after" : "before";
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.Equal(2_000, faults.Calls);
        Assert.Equal(outcomes["before"], faults.FailedBefore);
        Assert.Equal(outcomes["after"], faults.FailedAfter);
        Assert.Equal(2_000 - outcomes["before"], stored);
        Assert.InRange(faults.FailedBefore, 140, 260);
        Assert.InRange(faults.FailedAfter, 140, 260);
        Assert.InRange(faults.Delayed, 140, 260);
    }

    /// <summary>A state store that fails its next change before or after it lands, or its next read, when told to.</summary>
    private sealed class Scripted(IStateStore inner) : IStateStore
    {
        public bool FailNextBefore { get; set; }

        public bool LoseNextAnswer { get; set; }

        public bool FailNextRead { get; set; }

        public Task<StoredState?> ReadAsync(StateKey grain, string stateName, CancellationToken cancellationToken) =>
            Take(() => FailNextRead, () => FailNextRead = false)
                ? throw new InjectedStorageFaultException("a read", committed: false)
                : inner.ReadAsync(grain, stateName, cancellationToken);

        public Task<IReadOnlyList<StatePart>> ReadPartsAsync(StateKey grain, string stateName, CancellationToken cancellationToken) =>
            inner.ReadPartsAsync(grain, stateName, cancellationToken);

        public async Task<string> WriteAsync(StateWrite write, CancellationToken cancellationToken)
        {
            ThrowIfBefore();
            var etag = await inner.WriteAsync(write, cancellationToken);
            ThrowIfLost();
            return etag;
        }

        public async Task ClearAsync(StateKey grain, string stateName, string? expectedEtag, CancellationToken cancellationToken)
        {
            ThrowIfBefore();
            await inner.ClearAsync(grain, stateName, expectedEtag, cancellationToken);
            ThrowIfLost();
        }

        public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(StateKey grain, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
            inner.ReadJournalAsync(grain, afterSequence, maxCount, cancellationToken);

        public Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken) => inner.QueryViewAsync(query, cancellationToken);

        public Task<IReadOnlyList<ViewCount>> CountViewAsync(ViewCountQuery query, CancellationToken cancellationToken) => inner.CountViewAsync(query, cancellationToken);

        private static bool Take(Func<bool> flag, Action reset)
        {
            if (!flag())
            {
                return false;
            }

            reset();
            return true;
        }

        private void ThrowIfBefore()
        {
            if (Take(() => FailNextBefore, () => FailNextBefore = false))
            {
                throw new InjectedStorageFaultException("a change", committed: false);
            }
        }

        private void ThrowIfLost()
        {
            if (Take(() => LoseNextAnswer, () => LoseNextAnswer = false))
            {
                throw new InjectedStorageFaultException("a change", committed: true);
            }
        }
    }
}
