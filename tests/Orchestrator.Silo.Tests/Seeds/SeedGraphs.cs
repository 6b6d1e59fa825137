using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Orchestrator.Silo.Tests.Seeds;

/// <summary>Seed 002's code-review graph made of built-in nodes: extract → analyze → improve → analyze → END, the
/// score rising by 4.25 per analysis, so a threshold of 7 ends after two analyses (8.5) and a threshold the score never
/// reaches ends with "Max iterations reached".</summary>
internal static class SeedGraphs
{
    public const string CodeReview = "seed-code-review";

    public const string Definition = $$"""
        name: {{CodeReview}}
        state: { threshold: 7, quality_score: 0 }
        entry: extract
        maxIterations: 3
        nodes:
          extract: { type: set, values: { function_count: "2", functions: "'hello, test'" } }
          analyze: { type: set, values: { quality_score: "state.quality_score + 4.25" } }
          improve: { type: set, values: { improvements: "default(state.improvements, 0) + 1" } }
        edges:
          - { from: extract, to: analyze }
          - { from: analyze, to: END,     when: "state.quality_score >= state.threshold" }
          - { from: analyze, to: improve, when: "state.quality_score < state.threshold" }
          - { from: improve, to: analyze }
        """;

    /// <summary>Stores <paramref name="yaml"/> through <c>POST /graph/create</c>.</summary>
    public static async Task CreateAsync(HttpClient client, string yaml = Definition)
    {
        using var content = new StringContent(yaml, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        using var response = await client.PostAsync(new Uri("/graph/create", UriKind.Relative), content);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
