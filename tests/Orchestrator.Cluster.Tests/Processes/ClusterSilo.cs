using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests;

namespace Orchestrator.Cluster.Tests.Processes;

/// <summary>A silo process on PostgreSQL storage and membership, with an HTTP client for its API.</summary>
internal sealed class ClusterSilo : IDisposable
{
    private readonly string _workDirectory;
    private readonly string[] _args;
    private readonly IReadOnlyList<string> _wrapper;

    private ClusterSilo(string name, string url, SiloProcess process, string workDirectory, string[] args, IReadOnlyList<string>? wrapper = null)
    {
        Name = name;
        Url = url;
        Process = process;
        _workDirectory = workDirectory;
        _args = args;
        _wrapper = wrapper ?? [];
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    /// <summary>Where its HTTP API listens.</summary>
    public string Url { get; }

    public SiloProcess Process { get; }

    public HttpClient Http { get; }

    /// <summary>Starts a silo named <paramref name="name"/> of cluster <paramref name="clusterId"/>, on free ports.</summary>
    public static ClusterSilo Start(string workDirectory, string name, string connectionString, string clusterId, params string[] extra)
    {
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        var dataDir = Path.Combine(workDirectory, name);
        string[] args = ["--storage", "postgres", "--postgres", connectionString, "--cluster-id", clusterId, "--silo-name", name, "--urls", url, "--data-dir", dataDir, .. extra];
        return new ClusterSilo(name, url, SiloProcess.Start(workDirectory, args), workDirectory, args);
    }

    /// <summary>Starts the same silo again, a new process with the same arguments (ports and URL included: the new
    /// generation of a silo on the same address retires the old one from the cluster's membership).</summary>
    public ClusterSilo StartAgain() => new(Name, Url, SiloProcess.StartUnder(_workDirectory, _wrapper, _args), _workDirectory, _args, _wrapper);

    /// <summary>Starts a silo named <paramref name="name"/> on its own SQLite file, on free ports.</summary>
    public static ClusterSilo StartSqlite(string workDirectory, string name, params string[] extra) =>
        StartSqliteUnder(workDirectory, name, [], extra);

    /// <summary>Starts a silo as <see cref="StartSqlite"/> does, through <paramref name="wrapper"/> (see
    /// <see cref="SiloProcess.StartUnder"/>; none when empty), as <see cref="StartAgain"/> does too.</summary>
    public static ClusterSilo StartSqliteUnder(string workDirectory, string name, IReadOnlyList<string> wrapper, params string[] extra)
    {
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        string[] args = ["--silo-name", name, "--urls", url, "--data-dir", DataDirectory(workDirectory, name), .. extra];
        return new ClusterSilo(name, url, SiloProcess.StartUnder(workDirectory, wrapper, args), workDirectory, args, wrapper);
    }

    /// <summary>Where a SQLite silo started by these helpers keeps its data.</summary>
    public static string DataDirectory(string workDirectory, string name) => Path.Combine(workDirectory, name);

    public Task WaitUntilHealthyAsync() => Process.WaitUntilHealthyAsync(Http);

    /// <summary>Stores a new workflow (JSON) through this silo.</summary>
    public async Task PutWorkflowAsync(string json)
    {
        using var put = await Http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(put.StatusCode == System.Net.HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
    }

    /// <summary>Starts a run of <paramref name="workflow"/> through this silo; its id.</summary>
    public async Task<string> StartRunAsync(string workflow) =>
        (await PostAsync("/api/runs", new { workflow }))["runId"]!.GetValue<string>();

    /// <summary>GETs <paramref name="path"/>; its JSON, or null when the silo did not answer or answered with an error
    /// (a silo stopping, a storage blip).</summary>
    public async Task<JsonNode?> TryGetAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
            return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>POSTs <paramref name="body"/> as JSON and asserts success; the answer (empty when it had none).</summary>
    public async Task<JsonObject> PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    /// <summary>Polls <c>GET /api/silos</c> until the silos it lists match; returns them.</summary>
    public async Task<JsonArray> WaitForSilosAsync(Func<JsonArray, bool> match, TimeSpan bound)
    {
        var deadline = DateTimeOffset.UtcNow + bound;
        JsonArray? silos = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            silos = (await Http.GetFromJsonAsync<JsonObject>(new Uri("/api/silos", UriKind.Relative)))!["items"]!.AsArray();
            if (match(silos))
            {
                return silos;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Fail($"{Name}'s /api/silos never matched; last: {silos?.ToJsonString()}\n{Process.Output}\n{Process.Error}");
        return silos!;
    }

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}
