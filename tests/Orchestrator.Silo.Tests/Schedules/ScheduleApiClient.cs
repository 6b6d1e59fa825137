using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Silo.Tests.Schedules;

/// <summary>Small helpers over an <see cref="HttpClient"/> for the schedule tests.</summary>
internal static class ScheduleApiClient
{
    public static Uri Relative(string path) => new(path, UriKind.Relative);

    public static async Task PutWorkflowAsync(this HttpClient client, string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await client.PostAsync(Relative("/api/workflows"), content);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendJsonAsync(this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, Relative(path));
        if (body is string text)
        {
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, json.Length == 0 ? default : JsonDocument.Parse(json).RootElement.Clone());
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        var (status, body) = await client.SendJsonAsync(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body}");
        return body;
    }

    /// <summary>Asks <paramref name="probe"/> until it holds (a child-process silo has no event stream to wait on),
    /// failing after <paramref name="bound"/>.</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan bound, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + bound;
        T value;
        do
        {
            value = await probe();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Gave up after {bound}: {value}\n{describe?.Invoke()}");
        return value;
    }
}
