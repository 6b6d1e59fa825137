using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

/// <summary>A service provider with the node executors registered as a silo registers them.</summary>
internal static class NodeServices
{
    public static ServiceProvider Create(Action<NodeExecutorOptions>? configure = null, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddNodeExecutors(options =>
        {
            // Tests never pick up a plugins folder from the working directory by accident.
            options.PluginDirectory = Path.Combine(Path.GetTempPath(), "orchestrator-tests-no-plugins");
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider();
    }

    public static NodeExecutorRegistry Registry(this ServiceProvider services) => services.GetRequiredService<NodeExecutorRegistry>();
}
