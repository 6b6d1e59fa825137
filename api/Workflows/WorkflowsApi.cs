using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Definitions;
using Orchestrator.Queries;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;
using Orchestrator.Workflows;
using Orchestrator.Api.Security;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Hosting;

namespace Orchestrator.Api.Workflows;

/// <summary><c>/api/workflows</c>: store definitions as numbered versions, list, read and retire them.</summary>
public static class WorkflowsApi
{
    /// <summary>Largest definition body accepted.</summary>
    public const int MaxDefinitionBytes = RequestLimits.MaxDefinitionBytes;

    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/workflows").WithTags("workflows");
        group.MapPost("", CreateAsync)
            .WithName("PutWorkflow")
            .WithSummary("Stores a definition (JSON, or YAML with Content-Type application/yaml) as a new version, or returns the version with the same content.")
            .DescribesBody<WorkflowDefinition>(required: true, "application/json", "application/yaml")
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status422UnprocessableEntity])
            .Admin();
        group.MapPost("/validate", ValidateAsync)
            .WithName("ValidateWorkflow")
            .WithSummary("Checks a definition (JSON, or YAML with Content-Type application/yaml) as storing it would, and stores nothing: 200 {valid: true, name}, or 422 with every problem and its path.")
            .DescribesBody<WorkflowDefinition>(required: true, "application/json", "application/yaml")
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status422UnprocessableEntity])
            .Viewer();
        group.MapGet("", ListAsync).WithName("ListWorkflows").WithSummary("Workflows, most recently changed first, paged.")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        group.MapGet("/{name}", GetAsync).WithName("GetWorkflow").WithSummary("A version of a workflow (the latest unless ?version=n).")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        group.MapGet("/{name}/stats", GetStatisticsAsync).WithName("GetWorkflowStatistics")
            .WithSummary("The workflow's runs that finished in the last ?window= (default 1h, at most 7d): per node p50/p90/p99 duration, count, attempts and failures; run duration p50/p99; tasks per second.")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        group.MapDelete("/{name}", RetireAsync).WithName("RetireWorkflow").WithSummary("Retires a workflow: no new runs start; its versions and runs stay readable.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Admin();
        return app;
    }

    private static async Task<Results<Created<WorkflowVersionResponse>, Ok<WorkflowVersionResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (definition, problem) = await ReadDefinitionAsync(request, grains, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var version = await grains.GetGrain<IWorkflowGrain>(definition!.Name).PutAsync(definition);
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

    private static async Task<Results<Ok<WorkflowValidationResponse>, ProblemHttpResult>> ValidateAsync(
        HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (read, problem) = await ReadDefinitionAsync(request, grains, cancellationToken);
        return problem ?? (Results<Ok<WorkflowValidationResponse>, ProblemHttpResult>)TypedResults.Ok(new WorkflowValidationResponse(true, read!.Name));
    }

    private static async Task<Results<Ok<Page<WorkflowInfo>>, ProblemHttpResult>> ListAsync(
        string? includeRetired, string? limit, string? cursor, IGrainFactory grains)
    {
        if (QueryParameters.TryBool(includeRetired, nameof(includeRetired), out var retired) is { } badRetired)
        {
            return badRetired;
        }

        if (QueryParameters.TryPageSize(limit, out var size) is { } badLimit)
        {
            return badLimit;
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).ListWorkflowsAsync(retired, size, cursor));
        }
        catch (ArgumentException)
        {
            return ApiProblems.BadRequest(nameof(cursor), $"cursor '{cursor}' is not a cursor returned by a listing");
        }
    }

    private static async Task<Results<Ok<WorkflowResponse>, ProblemHttpResult>> GetAsync(string name, string? version, IGrainFactory grains)
    {
        if (QueryParameters.TryInt(version, nameof(version), 1, int.MaxValue, 0, out var number) is { } badVersion)
        {
            return badVersion;
        }

        try
        {
            var workflow = grains.GetGrain<IWorkflowGrain>(name);
            var (definition, stored) = await workflow.GetDefinitionAsync(version is null ? null : number);
            var info = await workflow.GetInfoAsync();
            return TypedResults.Ok(new WorkflowResponse(stored.Name, stored.Version, info?.LatestVersion ?? stored.Version, info?.Retired ?? false, definition));
        }
        catch (WorkflowNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message, version is null ? "name" : "version");
        }
    }

    private static async Task<Results<Ok<NodeStatistics>, ProblemHttpResult>> GetStatisticsAsync(
        string name, string? window, IGrainFactory grains, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock)
    {
        if (TimeWindows.TrySince(window, TimeWindows.LongestStatistics, clock, out var since, out _) is { } badWindow)
        {
            return badWindow;
        }

        if (await grains.GetGrain<IWorkflowGrain>(name).GetInfoAsync() is null)
        {
            return ApiProblems.NotFound($"Workflow '{name}' does not exist.", "name");
        }

        return TypedResults.Ok(await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).NodeStatisticsAsync(name, since));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RetireAsync(string name, IGrainFactory grains)
    {
        try
        {
            await grains.GetGrain<IWorkflowGrain>(name).RetireAsync();
            return TypedResults.NoContent();
        }
        catch (WorkflowNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message, "name");
        }
    }

    /// <summary>The request's definition read and validated, or the problem with it (the body, its media type, or every
    /// problem of the definition with its path).</summary>
    private static async Task<(WorkflowDefinition? Definition, ProblemHttpResult? Problem)> ReadDefinitionAsync(
        HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (source, problem) = await ReadBodyAsync(request, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        var format = FormatOf(request.ContentType);
        if (format is null)
        {
            return (null, ApiProblems.UnsupportedMediaType(request.ContentType, "application/json or application/yaml"));
        }

        var read = await grains.GetGrain<IDefinitionReaderGrain>(IDefinitionReaderGrain.Key).ReadAsync(source!, format.Value);
        return read.IsValid ? (read.Definition, null) : (null, ApiProblems.Definition(read.Problems));
    }

    /// <summary>YAML or JSON by Content-Type; sniffed when there is none (or a generic text type); null when the type
    /// names something else.</summary>
    private static DefinitionFormat? FormatOf(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return DefinitionFormat.Auto;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        if (mediaType.Contains("yaml", StringComparison.OrdinalIgnoreCase))
        {
            return DefinitionFormat.Yaml;
        }

        if (JsonBody.IsJson(mediaType))
        {
            return DefinitionFormat.Json;
        }

        return mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? DefinitionFormat.Auto
            : null;
    }

    private static async Task<(string? Source, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (bytes, problem) = await RequestBody.ReadAsync(request, MaxDefinitionBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (bytes.Length == 0)
        {
            return (null, ApiProblems.BadRequest("body", "the request has no definition"));
        }

        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.Span), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiProblems.BadRequest("body", "the definition is not valid UTF-8"));
        }
    }
}
