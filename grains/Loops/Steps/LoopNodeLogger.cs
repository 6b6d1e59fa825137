using Microsoft.Extensions.Logging;

namespace Orchestrator.Loops.Steps;

/// <summary>The logger a <c>dotnet</c> node of a loop gets in its constructor (<c>ILogger</c> or <c>ILogger&lt;T&gt;</c>):
/// what it writes at information level and above goes to the loop's log under the node and the iteration being run,
/// and everything to the silo's log as well.</summary>
internal class LoopNodeLogger(LoopLog log, string node, ILogger silo) : ILogger
{
    private static readonly AsyncLocal<long?> RunningIteration = new();

    /// <summary>Marks the iteration the code that follows (and what it awaits) runs for.</summary>
    public static void Running(long iteration) => RunningIteration.Value = iteration;

    /// <summary>A logger for a node of class <paramref name="nodeClass"/>: an <c>ILogger&lt;nodeClass&gt;</c>.</summary>
    public static ILogger For(Type nodeClass, LoopLog log, string node, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var typed = typeof(LoopNodeLogger<>).MakeGenericType(nodeClass);
        return (ILogger)Activator.CreateInstance(typed, log, node, loggers.CreateLogger(nodeClass))!;
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => silo.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || silo.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        silo.Log(logLevel, eventId, state, exception, formatter);
        if (logLevel < LogLevel.Information || logLevel == LogLevel.None)
        {
            return;
        }

        var message = formatter(state, exception);
        if (exception is not null)
        {
            message = $"{message}: {exception.GetType().Name}: {exception.Message}";
        }

        var level = logLevel switch
        {
            LogLevel.Information => "info",
            LogLevel.Warning => "warning",
            _ => "error",
        };
        log.Write(level, message, node, RunningIteration.Value);
    }
}

/// <summary>The <see cref="LoopNodeLogger"/> for a node class, so that a constructor asking for <c>ILogger&lt;T&gt;</c>
/// gets it.</summary>
internal sealed class LoopNodeLogger<T>(LoopLog log, string node, ILogger silo) : LoopNodeLogger(log, node, silo), ILogger<T>;
