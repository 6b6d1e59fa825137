using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Orchestrator.Api.Security;

/// <summary>One stored key: never the key itself, only its salted hash.</summary>
public sealed class StoredApiKey
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Role { get; init; }

    public required string Salt { get; init; }

    public required string Hash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>The stored keys: one record in the silo's grain storage (so a cluster shares it), read and written with its
/// ETag, by the silos and by <c>keys create</c> before a silo starts.</summary>
public sealed class ApiKeyState
{
    public List<StoredApiKey> Keys { get; set; } = [];
}

/// <summary>Reads and changes the stored keys through the storage provider, retrying a write that lost a race.</summary>
public sealed class ApiKeyStore(IGrainStorage storage, TimeProvider clock)
{
    private const string StateName = "keys";

    private static readonly GrainId Id = GrainId.Create("apikeys", "all");

    /// <summary>Every stored key.</summary>
    public async Task<IReadOnlyList<StoredApiKey>> ReadAsync()
    {
        var state = new GrainState<ApiKeyState>(new ApiKeyState());
        await storage.ReadStateAsync(StateName, Id, state);
        return state.State?.Keys ?? [];
    }

    /// <summary>Stores a new key and returns it with the key text, which is not kept anywhere.</summary>
    public async Task<(StoredApiKey Stored, string Key)> CreateAsync(string name, ApiRole role)
    {
        var (id, key, salt, hash) = ApiKeySecret.Create();
        var stored = new StoredApiKey
        {
            Id = id,
            Name = name,
            Role = ApiRoles.Name(role),
            Salt = salt,
            Hash = hash,
            CreatedAt = clock.GetUtcNow(),
        };
        await ChangeAsync(state =>
        {
            state.Keys.Add(stored);
            return true;
        });
        return (stored, key);
    }

    /// <summary>Removes a key; false when there is none with that id.</summary>
    public Task<bool> RevokeAsync(string id) => ChangeAsync(state => state.Keys.RemoveAll(k => k.Id == id) > 0);

    /// <summary>Records when keys were last used (only later times than those stored).</summary>
    public Task TouchAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed) => ChangeAsync(state =>
    {
        var changed = false;
        foreach (var key in state.Keys)
        {
            if (lastUsed.TryGetValue(key.Id, out var at) && (key.LastUsedAt is null || key.LastUsedAt < at))
            {
                key.LastUsedAt = at;
                changed = true;
            }
        }

        return changed;
    });

    private async Task<bool> ChangeAsync(Func<ApiKeyState, bool> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = new GrainState<ApiKeyState>(new ApiKeyState());
            await storage.ReadStateAsync(StateName, Id, state);
            state.State ??= new ApiKeyState();
            if (!change(state.State))
            {
                return false;
            }

            try
            {
                await storage.WriteStateAsync(StateName, Id, state);
                return true;
            }
            catch (InconsistentStateException) when (attempt < 10)
            {
                // Another silo (or keys create) wrote first: read again and apply the change to what it wrote.
            }
        }
    }
}
