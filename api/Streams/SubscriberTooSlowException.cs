namespace Orchestrator.Api.Streams;

/// <summary>A subscriber fell more than its buffer's worth of events behind the live stream and is cut off.</summary>
internal sealed class SubscriberTooSlowException : Exception
{
    public SubscriberTooSlowException()
        : this(0)
    {
    }

    public SubscriberTooSlowException(string message) : base(message)
    {
    }

    public SubscriberTooSlowException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public SubscriberTooSlowException(int limit)
        : base($"subscriber too slow: more than {limit} events behind")
    {
    }
}
