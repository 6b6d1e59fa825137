using System.Net;
using Orchestrator.Silo.Tests.Streams;

namespace Orchestrator.Silo.Tests.Security;

/// <summary>Per-key request limits and the limit on failed authentications per client address.</summary>
public sealed class LimitsTests : IAsyncLifetime
{
    private const string Key = "limited-key-0123456789";
    private readonly TemporaryDirectory _folder = new();
    private KestrelSilo _silo = null!;

    public async Task InitializeAsync()
    {
        var file = Path.Combine(_folder.Path, "keys");
        await File.WriteAllTextAsync(file, $"viewer {Key}\n");
        _silo = await KestrelSilo.StartAsync(new Dictionary<string, string> { ["ApiKeysFile"] = file, ["RateLimit"] = "5" });
    }

    [Fact]
    public async Task AKeyOverItsLimit_Gets429WithRetryAfter()
    {
        using var http = _silo.CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 30; i++)
        {
            answers.Add(await http.GetAsync(new Uri("/api/queues", UriKind.Relative)));
        }

        try
        {
            Assert.All(answers.Take(5), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 must say when to retry");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            answers.ForEach(a => a.Dispose());
        }
    }

    [Fact]
    public async Task RepeatedFailedAuthentication_FromOneAddress_Gets429AfterTwenty()
    {
        using var http = _silo.CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "a-wrong-key-0123456789");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
        {
            using var answer = await http.GetAsync(new Uri("/api/queues", UriKind.Relative));
            statuses.Add(answer.StatusCode);
        }

        Assert.All(statuses.Take(20), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(20), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _folder.Dispose();
    }
}
