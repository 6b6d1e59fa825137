using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orchestrator.Api.OpenApi;

/// <summary>Describes an endpoint's request body in the OpenAPI document only. Endpoints read their bodies themselves
/// (to name the field at fault), and <c>Accepts&lt;T&gt;</c> would also make routing refuse other content types with a
/// bare <c>415</c> before the endpoint could say which field is wrong.</summary>
public static class RequestBodyDescription
{
    /// <summary>Documents a body of type <typeparamref name="T"/> in each of <paramref name="contentTypes"/>.</summary>
    public static RouteHandlerBuilder DescribesBody<T>(this RouteHandlerBuilder builder, bool required, params string[] contentTypes)
    {
        ArgumentNullException.ThrowIfNull(contentTypes);
        return builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            var body = new OpenApiRequestBody { Required = required, Content = new Dictionary<string, OpenApiMediaType>() };
            foreach (var contentType in contentTypes)
            {
                body.Content[contentType] = new OpenApiMediaType { Schema = schema };
            }

            operation.RequestBody = body;
        });
    }
}
