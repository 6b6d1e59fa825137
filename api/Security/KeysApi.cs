using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;

namespace Orchestrator.Api.Security;

/// <summary><c>/api/keys</c> (admin): list keys (never the key itself), create one (shown once), revoke one.</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/keys").WithTags("keys");
        group.MapGet("", ListAsync).WithName("ListKeys").WithSummary("API keys: id, name, role, created, last used — never the key.")
            .Admin();
        group.MapPost("", CreateAsync).WithName("CreateKey").WithSummary("Creates a key {name, role}: 201 {id, name, role, key}; the key is shown this once.")
            .DescribesBody<CreateKeyRequest>(required: true, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status422UnprocessableEntity])
            .Admin();
        group.MapDelete("/{id}", RevokeAsync).WithName("RevokeKey").WithSummary("Revokes a key: it stops working within a second on every silo.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Admin();
        return app;
    }

    private static async Task<Ok<KeyList>> ListAsync(ApiKeyRing ring) =>
        TypedResults.Ok(new KeyList([.. (await ring.Store.ReadAsync()).Select(k => new KeyInfo(k.Id, k.Name, k.Role, k.CreatedAt, k.LastUsedAt))]));

    private static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> CreateAsync(HttpRequest request, ApiKeyRing ring, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateKeyRequest>(request, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 100)
        {
            return ApiProblems.Unprocessable("name", "name is required: 1 to 100 characters that say whose key it is");
        }

        if (!ApiRoles.TryParse(body.Role, out var role))
        {
            return ApiProblems.Unprocessable("role", $"role must be {ApiRoles.Names}");
        }

        var (stored, key) = await ring.Store.CreateAsync(body.Name.Trim(), role);
        await ring.RefreshAsync();
        return TypedResults.Created($"{ApiEndpoints.Prefix}/keys/{stored.Id}", new CreatedKey(stored.Id, stored.Name, stored.Role, key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, ApiKeyRing ring)
    {
        if (!await ring.Store.RevokeAsync(id))
        {
            return ApiProblems.NotFound($"There is no key '{id}'.", "id");
        }

        await ring.RefreshAsync();
        return TypedResults.NoContent();
    }
}

/// <summary>Body of <c>POST /api/keys</c>.</summary>
/// <param name="Name">Whose key it is (shown in listings and the audit).</param>
/// <param name="Role"><c>viewer</c>, <c>operator</c> or <c>admin</c>.</param>
public sealed record CreateKeyRequest(string? Name, string? Role);

/// <summary>A new key: the only time <paramref name="Key"/> is shown.</summary>
public sealed record CreatedKey(string Id, string Name, string Role, string Key);

/// <summary>A key as listed: never the key itself.</summary>
public sealed record KeyInfo(string Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>Every key.</summary>
public sealed record KeyList(IReadOnlyList<KeyInfo> Items);
