using System.Net;
using System.Text.Json;

namespace Orchestrator.Silo.Tests;

public sealed class ApiErrorTests(SiloApiFactory factory) : IClassFixture<SiloApiFactory>
{
    [Fact]
    public async Task UnknownApiRoute_Returns404Problem_WhenNoEndpointMatches()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/no-such-resource", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, body.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task UnknownRoute_Returns404_WhenOutsideTheApi()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
