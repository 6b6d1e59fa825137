using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Availability;
using Orchestrator.Api.Cluster;
using Orchestrator.Api.Compat;
using Orchestrator.Api.Health;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Api.Security;
using Orchestrator.Api.Streams;

namespace Orchestrator.Api;

/// <summary>Registers what the HTTP API needs besides the silo itself.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds problem details (RFC 7807) for errors, camelCase JSON without null members, and the health check.
    /// The silo (<c>AddSilo</c>) must be registered too.</summary>
    public static IServiceCollection AddOrchestratorApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        services.AddSingleton<SiloAvailability>();
        services.AddHostedService<SiloStopsFirst>();
        services.AddSingleton<SiloHealthCheck>();
        services.AddApiRequestLimits();
        services.AddClusterApi();
        services.AddOrchestratorOpenApi();
        services.AddEventStreams();
        services.AddSeedRoutes();
        services.AddOrchestratorSecurity();
        services.AddSingleton<Tasks.TaskReadySignals>();
        return services;
    }
}
