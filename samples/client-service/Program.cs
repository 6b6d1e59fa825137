// A small service that uses the orchestrator's grain client: it joins the cluster as an Orleans client, starts a run,
// prints the run's events as they happen and then the result.
//
//   dotnet run --project samples/client-service -- --gateway 127.0.0.1:30000 --workflow dag-fanout --input '{"numbers":[2,3]}'
//   dotnet run --project samples/client-service -- --postgres "Host=…;Database=…;Username=…;Password=…" --workflow dag-fanout
//
// --postgres finds the cluster's gateways in its PostgreSQL membership table (the silos' --postgres), instead of a
// --gateway list.
// Exit code: 0 when the run completed, 1 when it failed or was cancelled, 2 on bad arguments, 3 when no gateway answered.
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Client;
using Orchestrator.Runs;

var options = new OrchestratorClientOptions { ConnectTimeout = TimeSpan.FromSeconds(20) };
string? workflow = null;
JsonNode? input = null;
string? idempotencyKey = null;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--gateway" when value is not null:
            options.Gateways.Add(value);
            i++;
            break;
        case "--postgres" when value is not null:
            options.PostgresConnectionString = value;
            i++;
            break;
        case "--cluster-id" when value is not null:
            options.ClusterId = value;
            i++;
            break;
        case "--service-id" when value is not null:
            options.ServiceId = value;
            i++;
            break;
        case "--workflow" when value is not null:
            workflow = value;
            i++;
            break;
        case "--input" when value is not null:
            try
            {
                input = JsonNode.Parse(value);
            }
            catch (JsonException e)
            {
                Console.Error.WriteLine($"--input is not JSON: {e.Message}");
                return 2;
            }

            i++;
            break;
        case "--idempotency-key" when value is not null:
            idempotencyKey = value;
            i++;
            break;
        default:
            Console.Error.WriteLine($"unknown or incomplete option '{args[i]}'");
            Console.Error.WriteLine("usage: ClientService (--gateway host:port [--gateway …] | --postgres connection-string) --workflow name [--input json] [--idempotency-key key] [--cluster-id id] [--service-id id]");
            return 2;
    }
}

if (workflow is null || (options.Gateways.Count == 0) == (options.PostgresConnectionString is null))
{
    Console.Error.WriteLine("--workflow is required, and either --gateway or --postgres (not both)");
    return 2;
}

OrchestratorClient client;
try
{
    client = await OrchestratorClient.ConnectAsync(options);
}
catch (OrchestratorUnavailableException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}

await using (client)
{
    var run = await client.StartRunAsync(workflow, input, idempotencyKey);
    Console.WriteLine($"started run {run.RunId}");
    await foreach (var runEvent in run.EventsAsync())
    {
        Console.WriteLine($"  {runEvent.Seq,4} {runEvent.Type}{(runEvent.Node is null ? "" : $" {runEvent.Node}")}");
    }

    var finished = await run.WaitAsync();
    Console.WriteLine($"run {finished.RunId} {finished.Status.ToString().ToLowerInvariant()}");
    Console.WriteLine(finished.State.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    return finished.Status == RunStatus.Completed ? 0 : 1;
}
