using Orchestrator.Api;
using Orchestrator.Silo;
using Orchestrator.Silo.Startup;
using Orleans.Dashboard;

// Settings are read once at start. Reloading appsettings on change would watch the content root and everything under
// it, ./data included, so that every SQLite write woke a file watcher.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, SiloHostConfiguration.NoReloadOnChange] });
builder.Configuration.AddSiloHostSources(args);
var options = builder.Configuration.GetSiloHostOptions(out var malformed);
var problems = malformed.Count > 0 ? malformed : options.Validate();
if (problems.Count == 0 && options.Uses(SiloHostOptions.PostgresStorageName))
{
    using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(SiloHostBuilderExtensions.ConfigureConsole));
    problems = await PostgresPreflight.CheckAsync(options, loggers, CancellationToken.None);
}

if (problems.Count > 0)
{
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync(problem);
    }

    return 2;
}

builder.AddOrchestratorSilo(options);
builder.Services.AddOrchestratorApi();

var app = builder.Build();
app.UseOrchestratorApi();
app.MapOrchestratorApi();
app.MapOrleansDashboard(routePrefix: "/dashboard").ExcludeFromDescription(); // the dashboard's own UI routes
return await app.RunSiloAsync(options);

/// <summary>The silo executable's entry point; public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
