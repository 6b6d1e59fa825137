using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.OpenApi;

/// <summary>Registers the OpenAPI document (<c>v1</c>).</summary>
public static class OpenApiServiceCollectionExtensions
{
    /// <summary>What each tag of the document groups.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["workflows"] = "Workflow definitions, stored as immutable numbered versions; validation without storing.",
        ["runs"] = "Runs of a workflow: start (optionally waiting for the end), read, cancel, pause, resume, signal, and their event logs.",
        ["loops"] = "Continuous loops of a run: state, counters, node health, logs; pause, resume, stop.",
        ["queues"] = "Durable queues between loops: depth, consumers and their lag, dead letters.",
        ["errors"] = "Error records of failed nodes: list, read, retry, resolve, ignore or escalate.",
        ["schedules"] = "Schedules that start runs by cron, interval or once: create, update, enable, disable, trigger, executions.",
        ["cluster"] = "The silos of the cluster, grain statistics and metrics.",
        ["health"] = "Whether the silo serves: storage answers and the silo runs.",
        ["streams"] = "WebSocket notifications (seed 004's /ws).",
        ["seed routes"] = "Seed 002's /graph routes and sockets, and seed 000's results socket, as their example clients use them.",
        ["schedules (seed 004)"] = "Seed 004's scheduler routes: the same schedules in that document's shape.",
        ["errors (seed 004)"] = "Seed 004's error routes: the same error records in that document's shape.",
        ["tasks"] = "Remote workers: claim the tasks of worker nodes (long poll), heartbeats, completion and failure; task queues and live workers.",
        ["keys"] = "API keys (admin): list them (never the key itself), create one (shown once), revoke one.",
        ["stats"] = "Figures over time windows, counted from the views: runs by status, failure rate, durations.",
        ["session"] = "A browser's login: an API key kept in an HTTP-only cookie, with an anti-forgery token for actions.",
    };

    /// <summary>The name of the bearer security scheme in the document.</summary>
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddOrchestratorOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options => options.AddOperationTransformer((operation, context, _) =>
        {
            // Every operation says the role it needs (x-required-role) and, unless it is anonymous, the bearer key.
            var required = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredRole>().LastOrDefault();
            if (required is null)
            {
                return Task.CompletedTask;
            }

            if (required.Role is not { } role)
            {
                // Anonymous: an empty requirement says no key is needed.
                operation.Security = [new OpenApiSecurityRequirement()];
                return Task.CompletedTask;
            }

            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-required-role"] = new JsonNodeExtension(JsonValue.Create(ApiRoles.Name(role)));
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
            ];
            return Task.CompletedTask;
        }).AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key: 'Authorization: Bearer <key>' (or 'X-Api-Key: <key>'). Roles: viewer < operator < admin; each operation's x-required-role names the least it needs. " +
                    "Needed once a key exists, and always when the silo listens beyond loopback.",
            };
            document.Info.Title = "Orchestrator API";
            document.Info.Description = "Workflows, runs, loops, queues, error records, schedules and the silo of a durable workflow orchestrator.";
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            var used = (document.Paths ?? [])
                .SelectMany(path => path.Value.Operations?.Values.AsEnumerable() ?? [])
                .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
                .Select(tag => tag.Name)
                .OfType<string>()
                .ToHashSet(StringComparer.Ordinal);
            document.Tags = new HashSet<OpenApiTag>(
                used.Order(StringComparer.Ordinal).Select(name => new OpenApiTag { Name = name, Description = Tags.GetValueOrDefault(name) }));
            return Task.CompletedTask;
        }));
        return services;
    }
}
