using System.Net;

namespace Orchestrator.Silo.Tests.Security;

/// <summary>The silo executable's start-up rules for authentication, as real processes: beyond loopback it needs a key,
/// <c>keys create</c> makes the first one, and on loopback authentication turns on once a key exists.</summary>
public sealed class SecurityProcessTests : IDisposable
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);
    private readonly TemporaryDirectory _dir = new();

    [Fact]
    public async Task BeyondLoopback_WithoutAKey_RefusesToStart_AndSaysHowToCreateOne()
    {
        using var silo = SiloProcess.Start(_dir.Path, "--urls", $"http://0.0.0.0:{SiloProcess.FreePort()}", "--data-dir", Path.Combine(_dir.Path, "data"));

        Assert.Equal(2, await silo.WaitForExitAsync(ExitBound));
        Assert.Contains("keys create --role admin", silo.Error, StringComparison.Ordinal);
        Assert.Contains("0.0.0.0", silo.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthNone_IsRefusedBeyondLoopback_EvenWithAKeyFile()
    {
        var keys = Path.Combine(_dir.Path, "keys");
        await File.WriteAllTextAsync(keys, "admin a-key-long-enough-to-count\n");
        using var silo = SiloProcess.Start(_dir.Path, "--urls", $"http://0.0.0.0:{SiloProcess.FreePort()}", "--storage", "memory", "--auth", "none", "--api-keys-file", keys);

        Assert.Equal(2, await silo.WaitForExitAsync(ExitBound));
        Assert.Contains("--auth none is refused", silo.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyFileWithABadLine_IsRefusedNamingTheLine()
    {
        var keys = Path.Combine(_dir.Path, "keys");
        await File.WriteAllTextAsync(keys, "admin a-key-long-enough-to-count\nroot another-key-long-enough\n");
        using var silo = SiloProcess.Start(_dir.Path, "--storage", "memory", "--api-keys-file", keys, "--urls", $"http://127.0.0.1:{SiloProcess.FreePort()}");

        Assert.Equal(2, await silo.WaitForExitAsync(ExitBound));
        Assert.Contains("line 2", silo.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreate_StoresAKeyTheSiloThenRequires_OnLoopbackToo()
    {
        var data = Path.Combine(_dir.Path, "data");
        using var create = SiloProcess.Start(_dir.Path, "keys", "create", "--role", "admin", "--name", "first admin", "--data-dir", data);
        Assert.Equal(0, await create.WaitForExitAsync(ExitBound));
        var key = create.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.StartsWith("ork_", key, StringComparison.Ordinal);
        // The secret is base64url, so it may itself hold '_': it is everything after the id.
        Assert.True(Orchestrator.Api.Security.ApiKeySecret.TryRead(key, out _, out var secret));
        Assert.Equal(43, secret.Length);
        foreach (var file in Directory.GetFiles(data))
        {
            // Only the key's salted hash is stored: its secret appears in no file of the database.
            Assert.DoesNotContain(secret, System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }

        var port = SiloProcess.FreePort();
        using var silo = SiloProcess.Start(_dir.Path, "--urls", $"http://127.0.0.1:{port}", "--data-dir", data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await silo.WaitUntilHealthyAsync(http);
        using var anonymous = await http.GetAsync(new Uri("/api/runs", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/keys", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var withKey = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Contains("first admin", await withKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreate_RefusesMemoryStorageAndAnUnknownRole()
    {
        using var memory = SiloProcess.Start(_dir.Path, "keys", "create", "--role", "admin", "--storage", "memory");
        using var role = SiloProcess.Start(_dir.Path, "keys", "create", "--role", "root", "--data-dir", Path.Combine(_dir.Path, "data"));

        Assert.Equal(2, await memory.WaitForExitAsync(ExitBound));
        Assert.Contains("memory storage keeps nothing", memory.Error, StringComparison.Ordinal);
        Assert.Equal(2, await role.WaitForExitAsync(ExitBound));
        Assert.Contains("--role", role.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
