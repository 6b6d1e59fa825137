using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Memory;

namespace Orchestrator.Providers.Tests.Storage;

public sealed class MemoryStorageBackendTests : StorageBackendContractTests
{
    protected override async Task<IStorageBackend> OpenAsync()
    {
        var backend = new MemoryStorageBackend();
        await backend.InitializeAsync(Ct);
        return backend;
    }

    /// <summary>Memory keeps nothing across processes; within one, the same instance stands for the reopened store.</summary>
    protected override Task<IStorageBackend> ReopenAsync(IStorageBackend backend) => Task.FromResult(backend);
}
