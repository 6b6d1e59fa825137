using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Silo.Tests;

public sealed class StorageHealthTests
{
    [Fact]
    public async Task Health_Returns503WithStorageError_WhenSqliteFileIsGone()
    {
        await using var factory = new SiloApiFactory();
        using var client = factory.CreateClient();
        using (var healthy = await client.GetAsync(new Uri("/api/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        // The silo's writer keeps its handle on the deleted file; every new connection finds no database.
        Directory.Delete(factory.DataDir, recursive: true);
        SqliteConnection.ClearAllPools();

        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("degraded", root.GetProperty("status").GetString());
        Assert.Contains("sqlite", root.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("running", root.GetProperty("silo").GetProperty("status").GetString());
        var storage = root.GetProperty("storage");
        Assert.Equal("sqlite", storage.GetProperty("provider").GetString());
        Assert.Equal("error", storage.GetProperty("status").GetString());
        Assert.Contains("unable to open database file", storage.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_Returns200WithMemoryProvider_WhenStorageIsMemory()
    {
        await using var factory = new SiloApiFactory { Storage = "memory" };
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("memory", body.RootElement.GetProperty("storage").GetProperty("provider").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(factory.DataDir));
    }
}
