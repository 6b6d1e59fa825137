using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

[Collection(RestHostGroup.Name)]
public sealed class BadInputCorpusTests(RestApiHost host)
{
    private static readonly SemaphoreSlim TargetStored = new(1, 1);
    private static bool _targetExists;

    [Fact]
    public void Corpus_HoldsAtLeast100Cases()
    {
        Assert.True(BadInputCorpus.Cases().Count >= 100);
    }

    [Theory]
    [MemberData(nameof(BadInputCorpus.Cases), MemberType = typeof(BadInputCorpus))]
    public async Task BadInput_Returns4xxProblemNamingTheField_AndWritesNothing(
        string id, string method, string path, string? contentType, string? body, int expected, string? field, string? absent)
    {
        await EnsureTargetAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), Relative(path)) { Content = Content(body, contentType) };
        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{id}: {status} {text}");
        Assert.True(expected == status, $"{id}: expected {expected}, got {status} {text}");
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(text);
            Assert.Equal(expected, problem.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
            if (field is not null)
            {
                Assert.True(problem.RootElement.TryGetProperty("field", out var named), $"{id}: no field in {text}");
                Assert.Equal(field, named.GetString());
            }
        }

        await AssertNothingWrittenAsync(absent);
    }

    private async Task AssertNothingWrittenAsync(string? absent)
    {
        if (absent is null)
        {
            return;
        }

        if (absent == "runs")
        {
            var runs = await host.GetJsonAsync($"/api/runs?workflow={BadInputCorpus.Target}");
            Assert.Equal(0, runs.GetProperty("items").GetArrayLength());
            return;
        }

        var name = absent["wf:".Length..];
        await host.GetJsonAsync($"/api/workflows/{Uri.EscapeDataString(name)}", HttpStatusCode.NotFound);
    }

    private async Task EnsureTargetAsync()
    {
        await TargetStored.WaitAsync();
        try
        {
            if (!_targetExists)
            {
                await host.PutWorkflowAsync($"name: {BadInputCorpus.Target}\nnodes:\n  a: {{ type: noop }}\n");
                _targetExists = true;
            }
        }
        finally
        {
            TargetStored.Release();
        }
    }

    private static HttpContent? Content(string? body, string? contentType)
    {
        if (body is null)
        {
            return null;
        }

        HttpContent content;
        if (body.StartsWith("@json:", StringComparison.Ordinal))
        {
            content = new StringContent(HugeJson(int.Parse(body[6..], System.Globalization.CultureInfo.InvariantCulture)));
        }
        else if (body.StartsWith("@yaml:", StringComparison.Ordinal))
        {
            content = new StringContent(HugeYaml(int.Parse(body[6..], System.Globalization.CultureInfo.InvariantCulture)));
        }
        else if (body.StartsWith("@chunked:", StringComparison.Ordinal))
        {
            // A stream of unknown length goes out chunked, without Content-Length: the server must stop it by itself.
            var bytes = Encoding.UTF8.GetBytes(HugeJson(int.Parse(body[9..], System.Globalization.CultureInfo.InvariantCulture)));
            content = new StreamContent(new UnknownLengthStream(bytes));
        }
        else if (body.StartsWith("@nest:", StringComparison.Ordinal))
        {
            var depth = int.Parse(body[6..], System.Globalization.CultureInfo.InvariantCulture);
            content = new StringContent($$"""{"workflow":"{{BadInputCorpus.Target}}","input":{{new string('[', depth)}}{{new string(']', depth)}}}""");
        }
        else if (body == "@latin1")
        {
            content = new ByteArrayContent([.. Encoding.Latin1.GetBytes("{\"workflow\":\"caf"), 0xE9, 0xFF, .. "\"}"u8.ToArray()]);
        }
        else
        {
            content = new StringContent(body);
        }

        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static string HugeJson(int size) =>
        $$$"""{"workflow":"{{{BadInputCorpus.Target}}}","input":{"blob":"{{{new string('x', size)}}}"}}""";

    private static string HugeYaml(int size) =>
        $"name: corpus-huge\nnodes:\n  a: {{ type: log, message: \"{new string('x', size)}\" }}\n";

    /// <summary>A read-only stream that does not tell its length.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
