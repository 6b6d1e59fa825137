using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Silo.Tests.Streams;

namespace Orchestrator.Silo.Tests.Security;

/// <summary>A silo on a real port with a key file holding one key per role, so authentication is on.</summary>
public sealed class SecuredSilo : IAsyncLifetime
{
    public const string ViewerKey = "viewer-key-0123456789";
    public const string OperatorKey = "operator-key-0123456789";
    public const string AdminKey = "admin-key-0123456789";
    public const string AllowedOrigin = "https://ops.example.com";

    private readonly TemporaryDirectory _folder = new();

    public KestrelSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var file = Path.Combine(_folder.Path, "keys");
        await File.WriteAllTextAsync(file, $"# role key\nviewer {ViewerKey}\noperator {OperatorKey}\n\nadmin {AdminKey}\n");
        // The role matrix sends many unknown keys from one address: failed authentications are not limited here
        // (LimitsTests covers that limit).
        Silo = await KestrelSilo.StartAsync(
            new Dictionary<string, string> { ["ApiKeysFile"] = file, ["AllowedOrigins"] = AllowedOrigin },
            services => services.PostConfigure<Orchestrator.Api.Security.SecurityOptions>(o => o.FailedAuthenticationsPerMinute = int.MaxValue));
    }

    /// <summary>A client that sends <paramref name="key"/> as a bearer token (none when null); it does not follow
    /// redirects, which would drop the token.</summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        _folder.Dispose();
    }
}
