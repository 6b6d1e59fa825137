using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.Silo.Tests;

/// <summary>The silo executable hosted in the test process (no sockets), on SQLite in a temp directory of its own, or
/// on memory storage.</summary>
public sealed class SiloApiFactory : WebApplicationFactory<Program>
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(60);
    private readonly TemporaryDirectory _dataDir = new();
    private IHostApplicationLifetime? _lifetime;

    /// <summary><c>sqlite</c> (in <see cref="DataDir"/>) or <c>memory</c>.</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>Silo settings beyond storage (e.g. <c>ApiKeysFile</c>), as the command line would give them.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Services added after the silo's own (replacing them where they register the same type).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public string DataDir => _dataDir.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage", Storage);
        builder.UseSetting("DataDir", DataDir);
        builder.UseSetting("SiloName", "test-silo");
        builder.UseSetting("SiloPort", SiloProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("GatewayPort", SiloProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in Settings)
        {
            builder.UseSetting(name, value);
        }

        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        // Taken now: a test that stops the silo itself lets Program dispose the host, and its services with it.
        _lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        // Program runs the host (app.RunAsync) and stops it when stopping is signalled, while the factory's own dispose
        // stops it as well: two concurrent StopAsync calls, of which the silo's hosted service lets the second return
        // at once, so Program disposes the storage under the first one's final flush. Stopping through Program first,
        // and waiting until it has stopped, keeps one StopAsync. A token that has already fired runs the callback at
        // once, so a silo that has stopped before is not waited for.
        if (_lifetime is { } lifetime)
        {
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStopped.Register(() => stopped.TrySetResult()))
            {
                lifetime.StopApplication();
                await stopped.Task.WaitAsync(StopBound);
            }
        }

        await base.DisposeAsync();
        _dataDir.Dispose();
    }
}
