using System.Reflection;
using Orchestrator.Runtime.Hosting;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Silo;

/// <summary>Composes the silo, its storage and the web host from <see cref="SiloHostOptions"/>.</summary>
internal static class SiloHostBuilderExtensions
{
    /// <summary>Added to the silo's shutdown bound for the host, so that the web server's drain and the silo's own
    /// bounded shutdown both fit.</summary>
    private static readonly TimeSpan HostShutdownMargin = TimeSpan.FromSeconds(10);

    public static WebApplicationBuilder AddOrchestratorSilo(this WebApplicationBuilder builder, SiloHostOptions options)
    {
        if (!builder.Configuration.HasServerAddresses())
        {
            builder.WebHost.UseUrls(SiloHostOptions.DefaultUrls);
        }

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
        });

        builder.Services.AddSingleton(options);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout + HostShutdownMargin);
        builder.Services.AddSilo(silo =>
        {
            silo.AddGrains(GrainsAssembly());
            silo.Configure(o =>
            {
                o.ShutdownTimeout = options.ShutdownTimeout;
                o.StreamCapacity = options.QueueCapacity;
                if (options.SiloName is { } name)
                {
                    o.SiloName = name;
                }
            });
            if (options.Uses(SiloHostOptions.Sqlite))
            {
                silo.UseSqliteStorage(options.DatabasePath);
            }
            else
            {
                silo.UseMemoryStorage();
            }
        });
        builder.Services.AddWorkflowEngine(configureNodes: nodes => nodes.PluginDirectory = Path.GetFullPath(options.Plugins));
        return builder;
    }

    private static Assembly GrainsAssembly() => typeof(EngineOptions).Assembly;
}
