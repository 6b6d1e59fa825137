using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Silo.Tests;

public sealed class HealthApiTests(SiloApiFactory factory) : IClassFixture<SiloApiFactory>
{
    [Fact]
    public async Task Health_Returns200WithSiloStorageAndComponents_WhenSiloRunsOnSqlite()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        var silo = root.GetProperty("silo");
        Assert.Equal("test-silo", silo.GetProperty("name").GetString());
        Assert.Equal("running", silo.GetProperty("status").GetString());
        Assert.True(silo.GetProperty("startedAt").TryGetDateTime(out _));
        Assert.True(silo.GetProperty("uptimeSeconds").GetDouble() >= 0);
        var storage = root.GetProperty("storage");
        Assert.Equal("sqlite", storage.GetProperty("provider").GetString());
        Assert.Equal("ok", storage.GetProperty("status").GetString());
        Assert.False(storage.TryGetProperty("error", out _));
        Assert.False(root.TryGetProperty("reason", out _));
        var components = root.GetProperty("components");
        foreach (var component in new[] { "storage", "reminders", "streams" })
        {
            Assert.Equal("ready", components.GetProperty(component).GetString());
        }

        Assert.True(File.Exists(Path.Combine(factory.DataDir, "orchestrator.db")));
    }

    [Fact]
    public void Configuration_WatchesNoFile_SoThatStorageWritesUnderTheContentRootWakeNoWatcher()
    {
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} reloads on change"));
    }
}
