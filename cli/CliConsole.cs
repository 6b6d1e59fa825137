using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>Where the tool writes: data to <see cref="Out"/> (through <see cref="Terminal"/> for tables and live views),
/// problems and hints to <see cref="Error"/>; and what it reads from its environment.</summary>
public sealed class CliConsole
{
    /// <summary>Standard output as a Spectre console: tables, and the live view of <c>--watch</c> when
    /// <see cref="IsTerminal"/>.</summary>
    public required IAnsiConsole Terminal { get; init; }

    /// <summary>Standard output for plain text and JSON.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>True when standard output is an interactive terminal: <c>--watch</c> draws a live view; otherwise it
    /// writes one plain line per event.</summary>
    public bool IsTerminal { get; init; }

    /// <summary>Reads an environment variable (<c>ORCHESTRATOR_URL</c>, <c>ORCHESTRATOR_API_KEY</c>).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The process's own standard output, error and environment.</summary>
    public static CliConsole FromProcess()
    {
        var terminal = !Console.IsOutputRedirected;
        var output = Console.Out;
        return new CliConsole
        {
            Terminal = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
                ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
                Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            }),
            Out = output,
            Error = Console.Error,
            IsTerminal = terminal,
        };
    }

    /// <summary>A console writing plain text (no colours, no control characters) to <paramref name="output"/> and
    /// <paramref name="error"/>, as when standard output is redirected.</summary>
    public static CliConsole Plain(TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        return new CliConsole
        {
            Terminal = terminal,
            Out = output,
            Error = error,
            Environment = environment ?? (_ => null),
        };
    }
}
