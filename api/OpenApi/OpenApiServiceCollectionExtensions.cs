using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Api.OpenApi;

/// <summary>Registers the OpenAPI document (<c>v1</c>).</summary>
public static class OpenApiServiceCollectionExtensions
{
    public static IServiceCollection AddOrchestratorOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Orchestrator API";
            document.Info.Description = "Workflows, runs, loops, queues, error records, schedules and the silo of a durable workflow orchestrator.";
            return Task.CompletedTask;
        }));
        return services;
    }
}
