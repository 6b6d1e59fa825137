namespace Orchestrator.Providers.Storage;

/// <summary>Whether grain writes reach the store: a storage may answer a health probe's read and still refuse writes
/// (a disk full or read-only, a database read-only or failing over). Writes are failing when the last one failed
/// because the storage did not answer, less than <see cref="Remembered"/> ago, and none has succeeded since.</summary>
public sealed class StorageWrites(TimeProvider clock)
{
    /// <summary>How long a failed write counts when no other write follows.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private long _outcomes;
    private long _lastSuccess;
    private long _lastFailure;
    private DateTimeOffset _failedAt;
    private string? _failure;

    /// <summary>A write reached the store (or the store refused it on its ETag).</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            _lastSuccess = ++_outcomes;
        }
    }

    /// <summary>A write failed because the storage did not answer.</summary>
    public void Failed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        lock (_lock)
        {
            _lastFailure = ++_outcomes;
            _failedAt = clock.GetUtcNow();
            _failure = (StorageFailures.Find(exception) ?? exception).Message;
        }
    }

    /// <summary>Why writes are failing, or null when they are not.</summary>
    public string? Failing()
    {
        lock (_lock)
        {
            return _failure is not null && _lastFailure > _lastSuccess && clock.GetUtcNow() - _failedAt < Remembered ? _failure : null;
        }
    }
}
