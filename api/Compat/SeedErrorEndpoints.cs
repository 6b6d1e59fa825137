using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Errors;
using Orchestrator.Api.OpenApi;
using Orleans;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Compat;

/// <summary>Seed 004 (flow 4): the error dashboard's <c>/api/errors/errors</c>, on the same grain calls as
/// <c>/api/errors</c>.</summary>
internal static class SeedErrorEndpoints
{
    public static IEndpointRouteBuilder MapSeedErrors(this IEndpointRouteBuilder app)
    {
        var seed = app.MapGroup($"{ApiEndpoints.Prefix}/errors/errors").WithTags("errors (seed 004)");
        seed.MapGet("", ListAsync).WithName("ListErrorsSeed").WithSummary("Seed 004: error records by ?recoveryStatus=, as {errors, count, cursor}.")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        ErrorsApi.MapActions(seed, "Seed");
        return app;
    }

    private static async Task<Results<Ok<SeedErrorList>, ProblemHttpResult>> ListAsync(
        string? recoveryStatus, string? workflow, string? limit, string? cursor, IGrainFactory grains)
    {
        var (page, problem) = await ErrorsApi.QueryAsync(recoveryStatus, nameof(recoveryStatus), workflow, limit, cursor, grains);
        return problem is null ? TypedResults.Ok(new SeedErrorList(page!.Items, page.Items.Count, page.Cursor)) : problem;
    }
}
