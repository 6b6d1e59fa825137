using Orchestrator.Providers.Hosting;

namespace Orchestrator.Providers.Tests.Cluster;

public interface ILedgerGrain : IGrainWithStringKey
{
    /// <summary>Adds to the total and journals the note with the write.</summary>
    Task<LedgerView> AddAsync(int amount, string note);

    Task<LedgerView> GetAsync();
}

/// <summary>A ledger's total and entry count, and the silo that answered (the record crosses silos).</summary>
[GenerateSerializer, Immutable]
public sealed record LedgerView([property: Id(0)] int Total, [property: Id(1)] long Entries, [property: Id(2)] string Silo);

// Spread at random: Orleans' default placement weighs the silos' load, and may put every ledger on one silo of a busy
// machine, where the test of calls answered by both silos could not tell.
[Orleans.Placement.RandomPlacement]
internal sealed class LedgerGrain([PersistentState("ledger", OrchestratorStorage.ProviderName)] IPersistentState<LedgerState> ledger)
    : Grain, ILedgerGrain
{
    public async Task<LedgerView> AddAsync(int amount, string note)
    {
        ledger.State.Add(amount, note);
        await ledger.WriteStateAsync();
        return View();
    }

    public Task<LedgerView> GetAsync() => Task.FromResult(View());

    private LedgerView View() => new(ledger.State.Total, ledger.State.LastSequence, this.GetGrainId().ToString() + "@" + RuntimeIdentity);
}
