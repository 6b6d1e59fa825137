using System.Net;
using Orchestrator.Silo.Tests.Streams;

namespace Orchestrator.Silo.Tests.Security;

/// <summary>A loopback silo with no key at all: authentication is off, so requests without a key are served; a key
/// that matches nothing is still refused.</summary>
public sealed class OpenSiloTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    [Fact]
    public async Task WithoutAnyKey_RequestsAreServed_ButAnUnknownKeyIsRefused()
    {
        using var http = silo.CreateClient();
        using var anonymous = await http.GetAsync(new Uri("/api/runs", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/runs", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "ork_0123456789abcdef_revoked-long-ago");
        using var unknown = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("unknown or was revoked", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
