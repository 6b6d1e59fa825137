using Orchestrator.Api;
using Orchestrator.Api.Security;
using Orchestrator.Nodes;
using Orchestrator.Silo;
using Orchestrator.Silo.Security;
using Orchestrator.Silo.Startup;
using Orleans.Dashboard;

// Settings are read once at start. Reloading appsettings on change would watch the content root and everything under
// it, ./data included, so that every SQLite write woke a file watcher.
if (args is [KeysCommand.Name, ..])
{
    return await KeysCommand.RunAsync(args[1..], Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, SiloHostConfiguration.NoReloadOnChange] });
builder.Configuration.AddSiloHostSources(args);
var options = builder.Configuration.GetSiloHostOptions(out var malformed);
var problems = malformed.Count > 0 ? malformed : options.Validate();
if (problems.Count == 0 && options.Uses(SiloHostOptions.PostgresStorageName))
{
    using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(SiloHostBuilderExtensions.ConfigureConsole));
    problems = await PostgresPreflight.CheckAsync(options, loggers, CancellationToken.None);
}

var security = new SecurityOptions();
if (problems.Count == 0)
{
    (security, problems) = await SecurityStartup.CheckAsync(options, builder.Configuration, CancellationToken.None);
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
builder.Services.Configure<SecurityOptions>(o => SecurityStartup.Fill(o, options, security.ListensBeyondLoopback, security.FileKeys));
builder.Services.Configure<NodeExecutorOptions>(o =>
{
    o.Restricted = security.ListensBeyondLoopback;
    o.SecretsDirectory = options.SecretsDir is { Length: > 0 } secrets ? Path.GetFullPath(secrets) : null;
    o.AgentUrl = options.AgentUrl is { Length: > 0 } agent ? new Uri(agent) : null;
    foreach (var program in options.ShellAllowList)
    {
        o.ShellAllow.Add(program);
    }

    foreach (var target in options.HttpAllowList)
    {
        o.HttpAllow.Add(target);
    }
});

var app = builder.Build();
app.UseOrchestratorApi();
app.MapOrchestratorApi();
app.MapOrleansDashboard(routePrefix: "/dashboard").ExcludeFromDescription().Viewer(); // the dashboard's own UI routes
return await app.RunSiloAsync(options);

/// <summary>The silo executable's entry point; public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
