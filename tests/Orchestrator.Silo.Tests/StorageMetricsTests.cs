using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Orchestrator.Silo.Tests;

/// <summary>The storage writer's counters on <c>/metrics</c>: transactions, the writes they carried, the writer's busy time.</summary>
public sealed class StorageMetricsTests
{
    [Fact]
    public async Task Metrics_CountTheWritersTransactionsAndWrites_AsRequestsWrite()
    {
        await using var factory = new SiloApiFactory();
        using var client = factory.CreateClient();
        var before = await ReadAsync(client);

        // A workflow's version and its audit record: two writes at least, each in some transaction.
        using (var content = new StringContent("name: counted\nnodes:\n  a: { type: noop }\n", Encoding.UTF8, "application/yaml"))
        using (var created = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var after = await ReadAsync(client);
        Assert.True(after.Writes >= before.Writes + 2, $"writes {before.Writes} -> {after.Writes}");
        Assert.True(after.Transactions > before.Transactions, $"transactions {before.Transactions} -> {after.Transactions}");
        Assert.True(after.Writes >= after.Transactions, $"{after.Writes} writes in {after.Transactions} transactions");
        Assert.True(after.BusySeconds > before.BusySeconds);
    }

    private static async Task<(double Transactions, double Writes, double BusySeconds)> ReadAsync(HttpClient client)
    {
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return (Value(text, "orchestrator_storage_transactions_total"), Value(text, "orchestrator_storage_writes_total"),
            Value(text, "orchestrator_storage_writer_busy_seconds_total"));
    }

    private static double Value(string text, string name)
    {
        var match = Regex.Match(text, "^" + name + @"(\{[^}]*\})? (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} is not on /metrics");
        return double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }
}
