using Microsoft.Extensions.Logging;

namespace Orchestrator.Providers.Tests.Postgres;

/// <summary>A logger that completes <see cref="Logged"/> when an entry with the given event id is written, so a test
/// can wait for the backend to reach a step instead of sleeping.</summary>
public sealed class LogSignal<T>(int signalledEventId) : ILogger<T>
{
    private readonly TaskCompletionSource<string> _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The first matching entry's message.</summary>
    public Task<string> Logged => _logged.Task;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == signalledEventId)
        {
            _logged.TrySetResult(formatter(state, exception));
        }
    }
}
