using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class HttpExecutorTests : IAsyncLifetime
{
    private readonly ServiceProvider _services = NodeServices.Create(options => options.MaxHttpResponseBytes = 4096);
    private LocalHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LocalHttpServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Http_SendsTheIdempotencyKeyAndJsonBody_WhenBodyIsAnObject()
    {
        var invocation = Invocations.Create(
            $$$"""{"type":"http","method":"post","url":"{{{_server.Url("/echo?x=1")}}}","headers":{"X-Custom":"v-${state.n}"},"body":{"n":"${state.n}","list":[1,2]}}""",
            state: new JsonObject { ["n"] = 7 }, node: "call", attempt: 2, runId: "run-9");

        var outcome = await Execute(invocation);

        var output = outcome.Output!.AsObject();
        Assert.Equal(200, output["status"]!.GetValue<int>());
        var echo = output["body"]!.AsObject();
        Assert.Equal("POST", echo["method"]!.GetValue<string>());
        Assert.Equal("?x=1", echo["query"]!.GetValue<string>());
        Assert.Equal("run-9/call/1/2", echo["idempotencyKey"]!.GetValue<string>());
        Assert.Equal("v-7", echo["custom"]!.GetValue<string>());
        Assert.StartsWith("application/json", echo["contentType"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n":7,"list":[1,2]}"""), JsonNode.Parse(echo["body"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Http_SendsTextPlain_WhenBodyIsAString()
    {
        var outcome = await Execute(Invocations.Create($$"""{"type":"http","method":"PUT","url":"{{_server.Url("/echo")}}","body":"hello ${state.who}"}""",
            state: new JsonObject { ["who"] = "you" }));

        var echo = outcome.Output!["body"]!.AsObject();
        Assert.StartsWith("text/plain", echo["contentType"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("hello you", echo["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_KeepsTheDefinitionsKey_WhenHeadersSetIdempotencyKey()
    {
        var outcome = await Execute(Invocations.Create(
            $$$"""{"type":"http","method":"GET","url":"{{{_server.Url("/echo")}}}","headers":{"Idempotency-Key":"order-${state.id}"}}""",
            state: new JsonObject { ["id"] = 12 }));

        Assert.Equal("order-12", outcome.Output!["body"]!["idempotencyKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_Fails_WhenTheServerAnswers500()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Execute(Invocations.Create($$"""{"type":"http","method":"GET","url":"{{_server.Url("/status/500?token=secret")}}"}""")));

        Assert.Contains("answered 500", error.Message, StringComparison.Ordinal);
        Assert.Contains("something is wrong here", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_CompletesWithTheStatus_WhenTheServerAnswers404()
    {
        var outcome = await Execute(Invocations.Create($$"""{"type":"http","method":"GET","url":"{{_server.Url("/status/404")}}"}"""));

        Assert.Equal(404, outcome.Output!["status"]!.GetValue<int>());
        Assert.Equal("status 404: something is wrong here", outcome.Output!["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_ParsesTheBody_WhenTheMediaTypeIsAJsonSuffix()
    {
        var outcome = await Execute(Invocations.Create($$"""{"type":"http","method":"GET","url":"{{_server.Url("/problem")}}"}"""));

        Assert.Equal("""{"status":404,"body":{"title":"not found","status":404}}""", outcome.Output!.ToJsonString());
    }

    [Fact]
    public async Task Http_OutputsANullBody_WhenTheResponseIsEmpty()
    {
        var outcome = await Execute(Invocations.Create($$"""{"type":"http","method":"DELETE","url":"{{_server.Url("/empty")}}"}"""));

        Assert.Equal("""{"status":204,"body":null}""", outcome.Output!.ToJsonString());
    }

    [Fact]
    public async Task Http_Fails_WhenTheResponseBodyExceedsTheCap()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Execute(Invocations.Create($$"""{"type":"http","method":"GET","url":"{{_server.Url("/large")}}"}""")));

        Assert.Contains("larger than 4096 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_Fails_WhenNothingListensAtTheUrl()
    {
        // A port that was free a moment ago and that nothing listens on: the connection is refused.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Execute(Invocations.Create($$"""{"type":"http","method":"GET","url":"http://127.0.0.1:{{port}}/x"}""")));

        Assert.Contains("GET http://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_AbortsTheRequest_WhenCancelled()
    {
        using var cancellation = new CancellationTokenSource();

        var running = _services.Registry().ExecuteAsync(
            Invocations.Create($$"""{"type":"http","method":"GET","url":"{{_server.Url("/slow")}}"}"""), cancellation.Token);
        await _server.SlowRequestStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await _server.SlowRequestAborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Http_FailsNamingTheUrl_WhenItIsNotHttp()
    {
        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Execute(Invocations.Create("""{"type":"http","method":"GET","url":"file:///etc/passwd"}""")));

        Assert.Contains("'file:///etc/passwd' is not an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }

    private Task<NodeOutcome> Execute(NodeInvocation invocation) => _services.Registry().ExecuteAsync(invocation, CancellationToken.None);
}
