using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Diagnostics;
using Orchestrator.Runtime.GrainDirectory;
using Orchestrator.Runtime.Hosting;
using Orchestrator.Runtime.Reminders;

namespace Orchestrator.Runtime.Activation;

/// <summary>What every activation of a silo shares.</summary>
internal sealed class ActivationServices(
    IServiceProvider serviceProvider,
    SiloOptions options,
    TimeProvider clock,
    RuntimeMetrics metrics,
    IGrainDirectory directory,
    GrainActivator activator,
    ILogger<ActivationData> logger)
{
    public IServiceProvider ServiceProvider { get; } = serviceProvider;

    public SiloOptions Options { get; } = options;

    public TimeProvider Clock { get; } = clock;

    public RuntimeMetrics Metrics { get; } = metrics;

    public IGrainDirectory Directory { get; } = directory;

    public GrainActivator Activator { get; } = activator;

    public ILogger Logger { get; } = logger;

    // Set once by the silo when wiring; these form a cycle with the catalog.
    public Catalog Catalog { get; set; } = null!;

    public IGrainFactory GrainFactory { get; set; } = null!;

    public ReminderService ReminderService { get; set; } = null!;
}
