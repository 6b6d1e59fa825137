using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using Orchestrator.Cli.Commands;
using Orchestrator.Client;
using Orchestrator.Client.Rest;

namespace Orchestrator.Cli;

/// <summary>The <c>orchestrator</c> command line: parses, runs one command against the server over the REST client, and
/// turns what happened into an exit code (<see cref="ExitCodes"/>).</summary>
public sealed class CliApp
{
    /// <summary>The server when neither <c>--server</c> nor <c>ORCHESTRATOR_URL</c> names one.</summary>
    public const string DefaultServer = "http://127.0.0.1:8080";

    private readonly CliConsole _console;

    private CliApp(CliConsole console) => _console = console;

    internal Option<string?> Server { get; } = new("--server")
    {
        Description = $"The orchestrator's URL (default: ORCHESTRATOR_URL, else {DefaultServer})",
        Recursive = true,
    };

    internal Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "API key, sent as 'Authorization: Bearer <key>' (default: ORCHESTRATOR_API_KEY)",
        Recursive = true,
    };

    internal Option<string> OutputOption { get; } = CreateOutputOption();

    /// <summary>Runs the command line <paramref name="args"/> and returns its exit code.</summary>
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        return new CliApp(console).InvokeAsync(args, cancellationToken);
    }

    private async Task<int> InvokeAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = new RootCommand("The orchestrator's command-line tool: workflows, runs (with live progress), loops, queues, schedules, error records and the cluster.")
        {
            Server,
            ApiKey,
            OutputOption,
            WorkflowCommands.Create(this),
            RunCommands.Create(this),
            LoopCommands.Create(this),
            QueueCommands.Create(this),
            ScheduleCommands.Create(this),
            ErrorCommands.Create(this),
            ClusterCommands.Create(this),
            ClusterCommands.Health(this),
        };
        // No response files: '@file' is how --input and --data name a file.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await _console.Error.WriteLineAsync($"error: {error.Message}");
            }

            var command = string.Join(' ', parse.CommandResult.Command is RootCommand ? [] : CommandPath(parse.CommandResult));
            await _console.Error.WriteLineAsync($"see: orchestrator {command}{(command.Length > 0 ? " " : "")}--help");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = _console.Out,
            Error = _console.Error,
            EnableDefaultExceptionHandler = false,
        };
        return await parse.InvokeAsync(invocation, cancellationToken);
    }

    private static Stack<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null && current.Command is not RootCommand; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(current.Command.Name);
        }

        return names;
    }

    /// <summary>A command that runs <paramref name="action"/>; its help ends with <paramref name="example"/>.</summary>
    internal Command Command(string name, string description, string example, Func<CliContext, Task<int>> action, params Symbol[] symbols)
    {
        var command = new Command(name, $"{description}{Environment.NewLine}{Environment.NewLine}Example:{Environment.NewLine}  {example}");
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Add(argument);
                    break;
                case Option option:
                    command.Add(option);
                    break;
            }
        }

        command.SetAction((parse, cancellationToken) => RunCommandAsync(parse, action, cancellationToken));
        return command;
    }

    /// <summary>A command that only groups others.</summary>
    internal static Command Group(string name, string description, params Command[] commands)
    {
        var group = new Command(name, description);
        foreach (var command in commands)
        {
            group.Add(command);
        }

        return group;
    }

    private async Task<int> RunCommandAsync(ParseResult parse, Func<CliContext, Task<int>> action, CancellationToken cancellationToken)
    {
        var error = _console.Error;
        try
        {
            using var http = CreateHttpClient(parse);
            var client = new OrchestratorRestClient(http) { Trigger = "cli" };
            var format = Enum.Parse<OutputFormat>(parse.GetValue(OutputOption)!, ignoreCase: true);
            return await action(new CliContext(client, new Output(_console, format), parse, cancellationToken));
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (OrchestratorUnavailableException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Unreachable;
        }
        catch (OrchestratorApiException e)
        {
            await WriteProblemAsync(error, e);
            return ExitCodeOf(e.Status);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("interrupted");
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>The exit code a refused request ends with.</summary>
    public static int ExitCodeOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.ServiceUnavailable => ExitCodes.Unreachable,
        HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity
            or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType => ExitCodes.Usage,
        _ => ExitCodes.Failed,
    };

    /// <summary>The server's problem: its status, title and detail, the field it named, and every problem of a refused
    /// definition with its path (and line and column for a syntax error).</summary>
    internal static async Task WriteProblemAsync(TextWriter error, OrchestratorApiException problem)
    {
        var status = problem.Status == 0 ? "" : $"{(int)problem.Status} ";
        await error.WriteLineAsync($"error: {status}{problem.Title ?? problem.Message}{(problem.Detail is null ? "" : $": {problem.Detail}")}");
        if (problem.Field is not null && problem.Errors.Count == 0)
        {
            await error.WriteLineAsync($"  field: {problem.Field}");
        }

        foreach (var fieldError in problem.Errors)
        {
            var where = fieldError.Line is { } line ? $" (line {line}{(fieldError.Column is { } column ? $", column {column}" : "")})" : "";
            await error.WriteLineAsync($"  {(fieldError.Path.Length == 0 ? "(definition)" : fieldError.Path)}: {fieldError.Message}{where}");
        }
    }

    private HttpClient CreateHttpClient(ParseResult parse)
    {
        var server = parse.GetValue(Server) ?? _console.Environment("ORCHESTRATOR_URL");
        if (string.IsNullOrWhiteSpace(server))
        {
            server = DefaultServer;
        }

        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var address)
            || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException($"--server: '{server}' is not an http:// or https:// URL");
        }

        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(11) };
        var key = parse.GetValue(ApiKey) ?? _console.Environment("ORCHESTRATOR_API_KEY");
        if (!string.IsNullOrWhiteSpace(key))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        }

        return http;
    }

    private static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table (default), json or jsonl (one object a line)",
            Recursive = true,
            DefaultValueFactory = _ => "table",
            HelpName = "table|json|jsonl",
        };
        option.AcceptOnlyFromAmong("table", "json", "jsonl");
        return option;
    }
}

/// <summary>One command's invocation: the client, the output, the parsed command line.</summary>
internal sealed class CliContext(OrchestratorRestClient client, Output output, ParseResult parse, CancellationToken cancellationToken)
{
    public OrchestratorRestClient Client => client;

    public Output Output => output;

    public CancellationToken Cancellation => cancellationToken;

    public T Get<T>(Option<T> option) => parse.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => parse.GetValue(argument)!;

    public T? Maybe<T>(Option<T> option) => parse.GetValue(option);
}
