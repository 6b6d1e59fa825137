namespace Orchestrator.Cli;

/// <summary>The command line asked for something that cannot be done as given (a file that cannot be read, an option
/// value that is not JSON): exit code 2 with the message.</summary>
public sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
