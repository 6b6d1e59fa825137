using Orchestrator.Runtime.Storage;
using Orchestrator.Runtime.Storage.Memory;

namespace Orchestrator.Runtime.Tests.Storage;

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
