namespace Orchestrator.Providers.Streams;

/// <summary>A durable stream stayed at its capacity for longer than the publish timeout; the item was not stored.</summary>
public sealed class StreamFullException : Exception
{
    public StreamFullException(StreamId stream, int capacity, TimeSpan waited)
        : base($"Stream {stream} is full ({capacity} unconsumed items) and did not drain within {waited.TotalMilliseconds:0} ms; the item was not stored.")
    {
        Stream = stream;
        Capacity = capacity;
    }

    public StreamFullException()
    {
    }

    public StreamFullException(string message) : base(message)
    {
    }

    public StreamFullException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The full stream.</summary>
    public StreamId Stream { get; }

    /// <summary>Its capacity.</summary>
    public int Capacity { get; }
}
