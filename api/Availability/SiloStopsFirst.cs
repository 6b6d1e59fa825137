using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.Api.Availability;

/// <summary>Stops the Orleans silo while the web server still listens. Every hosted service's "stopping" step runs before
/// any is stopped, the web server included, so on a graceful stop the API goes on answering — <c>503</c> with
/// <c>Retry-After</c> (see <see cref="SiloAvailabilityMiddleware"/>) — while running turns finish, grains deactivate and
/// storage is flushed; only then does the listener close. (Without this the web server stops first and later requests
/// are refused at the connection.)</summary>
internal sealed class SiloStopsFirst(IServiceProvider services) : IHostedLifecycleService
{
    // Taken while the host starts: by the time it stops, its services may be disposed (a host stopped twice).
    private readonly Orleans.Runtime.Silo? _silo = services.GetService<Orleans.Runtime.Silo>();
    private bool _started;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // A silo that never started (the host failed to start) is not stopped here; Orleans says so on its own.
        if (_silo is not null && _started)
        {
            await _silo.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _started = true;
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
