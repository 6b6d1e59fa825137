using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Hosting;
using Orchestrator.Runtime.Storage;
using Orchestrator.Runtime.Storage.Memory;
using Orchestrator.Runtime.Storage.Sqlite;

namespace Orchestrator.Runtime.Testing;

/// <summary>A silo running in the test process, like Orleans' TestingHost: start it, call grains, stop it, and start it
/// again on the same storage (the same SQLite file, or the same memory store) to test what survives a restart.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TestSiloOptions _options;
    private readonly MemoryStorageBackend? _memory;
    private bool _stopped;

    private TestSilo(IHost host, TestSiloOptions options, MemoryStorageBackend? memory)
    {
        _host = host;
        _options = options;
        _memory = memory;
    }

    /// <summary>Grain references.</summary>
    public IGrainFactory GrainFactory => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The silo's life-cycle status.</summary>
    public SiloLifecycle Lifecycle => _host.Services.GetRequiredService<SiloLifecycle>();

    /// <summary>The silo's storage backend.</summary>
    public IStorageBackend Storage => _host.Services.GetRequiredService<IStorageBackend>();

    /// <summary>Builds and starts a silo.</summary>
    public static Task<TestSilo> StartAsync(TestSiloOptions options) => StartAsync(options, memory: null);

    /// <summary>Stops the silo gracefully: running turns finish, state is flushed.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>Stops this silo and starts a new one on the same storage and options.</summary>
    public async Task<TestSilo> RestartAsync()
    {
        await StopAsync();
        return await StartAsync(_options, _memory);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task<TestSilo> StartAsync(TestSiloOptions options, MemoryStorageBackend? memory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (options.Clock is not null)
        {
            builder.Services.AddSingleton(options.Clock);
        }

        if (options.SqlitePath is null)
        {
            memory ??= new MemoryStorageBackend();
        }

        builder.Services.AddSilo(silo =>
        {
            silo.AddGrains([.. options.GrainClasses]);
            foreach (var assembly in options.GrainAssemblies)
            {
                silo.AddGrains(assembly);
            }

            if (options.SqlitePath is not null)
            {
                silo.UseSqliteStorage(new SqliteStorageOptions(options.SqlitePath));
            }
            else
            {
                var shared = memory!;
                silo.UseStorage(_ => new SharedMemoryBackend(shared));
            }

            silo.Configure(o => o.SiloName = "test-silo");
            if (options.Configure is not null)
            {
                silo.Configure(options.Configure);
            }
        });

        // After the silo, so hosted services registered here start once the silo runs.
        options.Services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, options, memory);
    }

    /// <summary>Lets a memory store outlive the silo that used it, so a restarted silo finds the same data.</summary>
    private sealed class SharedMemoryBackend(MemoryStorageBackend inner) : IStorageBackend
    {
        public string Name => inner.Name;

        public IGrainStorage Grains => inner.Grains;

        public Reminders.IReminderTable Reminders => inner.Reminders;

        public Streams.IStreamStore Streams => inner.Streams;

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
