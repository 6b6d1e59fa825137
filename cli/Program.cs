using Orchestrator.Cli;

return await CliApp.RunAsync(args, CliConsole.FromProcess());
