using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Problems;
using Orchestrator.Definitions;
using Orchestrator.Runtime;
using Orchestrator.Workflows;

namespace Orchestrator.Api.Workflows;

/// <summary><c>/api/workflows</c>: store definitions as numbered versions and read them back.</summary>
public static class WorkflowsApi
{
    /// <summary>Largest definition body accepted.</summary>
    public const int MaxDefinitionBytes = DefinitionLimits.MaxDefinitionBytes;

    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/workflows").WithTags("workflows");
        group.MapPost("/", CreateAsync);
        group.MapGet("/{name}", GetAsync);
        return app;
    }

    private static async Task<Results<Created<WorkflowVersionResponse>, Ok<WorkflowVersionResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (source, problem) = await ReadBodyAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var format = request.ContentType switch
        {
            { } type when type.Contains("yaml", StringComparison.OrdinalIgnoreCase) => DefinitionFormat.Yaml,
            { } type when type.Contains("json", StringComparison.OrdinalIgnoreCase) => DefinitionFormat.Json,
            _ => DefinitionFormat.Auto,
        };
        var read = await grains.GetGrain<IDefinitionReaderGrain>(IDefinitionReaderGrain.Key).ReadAsync(source!, format);
        if (!read.IsValid)
        {
            return ApiProblems.Definition(read.Problems);
        }

        try
        {
            var version = await grains.GetGrain<IWorkflowGrain>(read.Definition!.Name).PutAsync(read.Definition);
            var body = new WorkflowVersionResponse(version.Name, version.Version, version.ContentHash, version.Created);
            return version.Created
                ? TypedResults.Created($"{ApiEndpoints.Prefix}/workflows/{version.Name}?version={version.Version}", body)
                : TypedResults.Ok(body);
        }
        catch (DefinitionInvalidException e)
        {
            return ApiProblems.Definition(e.Problems);
        }
    }

    private static async Task<Results<Ok<WorkflowResponse>, ProblemHttpResult>> GetAsync(string name, int? version, IGrainFactory grains)
    {
        try
        {
            var (definition, stored) = await grains.GetGrain<IWorkflowGrain>(name).GetDefinitionAsync(version);
            var info = await grains.GetGrain<IWorkflowGrain>(name).GetInfoAsync();
            return TypedResults.Ok(new WorkflowResponse(stored.Name, stored.Version, info?.LatestVersion ?? stored.Version, info?.Retired ?? false, definition));
        }
        catch (WorkflowNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
    }

    private static async Task<(string? Source, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxDefinitionBytes)
        {
            return (null, ApiProblems.BadRequest("body", $"the definition is larger than {MaxDefinitionBytes} bytes"));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxDefinitionBytes)
            {
                return (null, ApiProblems.BadRequest("body", $"the definition is larger than {MaxDefinitionBytes} bytes"));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, ApiProblems.BadRequest("body", "the request has no definition"));
        }

        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiProblems.BadRequest("body", "the definition is not valid UTF-8"));
        }
    }
}

/// <summary>A stored version.</summary>
public sealed record WorkflowVersionResponse(string Name, int Version, string ContentHash, bool Created);

/// <summary>A workflow version with its definition.</summary>
public sealed record WorkflowResponse(string Name, int Version, int LatestVersion, bool Retired, WorkflowDefinition Definition);
