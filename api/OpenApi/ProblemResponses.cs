using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.Api.OpenApi;

/// <summary>Documents the problem responses of an endpoint: its handlers return <c>ProblemHttpResult</c>, which carries
/// no status of its own for the OpenAPI document.</summary>
public static class ProblemResponses
{
    /// <summary>Adds an <c>application/problem+json</c> response for each of <paramref name="statusCodes"/>.</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        ArgumentNullException.ThrowIfNull(statusCodes);
        foreach (var statusCode in statusCodes)
        {
            builder.ProducesProblem(statusCode);
        }

        return builder;
    }

    /// <summary>Problems of a request whose JSON body is read: malformed (400), too large (413), not JSON (415).</summary>
    public static readonly int[] BodyProblems =
        [StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType];
}
