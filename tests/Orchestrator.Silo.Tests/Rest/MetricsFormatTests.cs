using System.Diagnostics;
using System.Text;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

/// <summary><c>GET /metrics</c> checked by Prometheus' own linter, <c>promtool check metrics</c> (Debian's
/// <c>prometheus</c> package; <c>./test.sh</c> installs it through <c>.ci/install-prometheus.sh</c>).</summary>
[Collection(RestHostGroup.Name)]
public sealed class MetricsFormatTests(RestApiHost host)
{
    [Fact]
    public async Task Metrics_OfOurOwn_PassPromtool_AndOrleansSeriesPassThrough()
    {
        var name = UniqueName("promtool");
        await host.PutWorkflowAsync($$"""
            name: {{name}}
            nodes:
              a: { type: noop }
              b: { type: fail, times: 1, retry: { maxAttempts: 2, initialDelay: 10ms }, dependsOn: [a] }
            """);
        await host.RunToEndAsync(name);

        var text = await host.Client.GetStringAsync(Relative("/metrics"));

        Assert.Contains("# TYPE orchestrator_run_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orchestrator_node_attempt_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orchestrator_node_dispatch_latency_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orleans_catalog_activations gauge\n", text, StringComparison.Ordinal);
        // Two gauges of Orleans' that walk every activation or directory entry per reading are left out.
        Assert.DoesNotContain("orleans_directory_cache_size", text, StringComparison.Ordinal);
        Assert.DoesNotContain("orleans_messaging_processing_activation_data", text, StringComparison.Ordinal);
        var ours = OwnFamilies(text);
        Assert.Contains("orchestrator_grain_call_duration_seconds_bucket", ours, StringComparison.Ordinal);
        var (exitCode, output) = await PromtoolAsync(ours);
        Assert.True(exitCode == 0 && output.Length == 0, $"promtool check metrics: exit {exitCode}\n{output}");
    }

    /// <summary>The metric families named <c>orchestrator_…</c> (Orleans' pass through under the names Orleans gives
    /// them, which promtool has its own opinions about).</summary>
    private static string OwnFamilies(string text)
    {
        var kept = new StringBuilder();
        var keep = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                keep = line["# TYPE ".Length..].StartsWith("orchestrator_", StringComparison.Ordinal);
            }

            if (keep && line.Length > 0)
            {
                kept.Append(line).Append('\n');
            }
        }

        return kept.ToString();
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(string metrics)
    {
        var start = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"promtool is not installed ({e.Message}): run .ci/install-prometheus.sh (apt-get install prometheus), as ./test.sh does.");
            throw;
        }

        using (process)
        {
            await process.StandardInput.WriteAsync(metrics);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return (process.ExitCode, (await stdout + await stderr).Trim());
        }
    }
}
