namespace Orchestrator.Api.Streams;

/// <summary>Limits of the WebSocket streams (configuration section <c>WebSockets</c>).</summary>
public sealed class WebSocketStreamOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "WebSockets";

    /// <summary>Largest message a client may send on a stream that takes control messages (<c>subscribe</c> and the
    /// like); a larger one is answered with an error and the socket is closed with <c>1009 MessageTooBig</c>.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Largest <c>{"initial_state": …}</c> request accepted on <c>WS /ws/graph/run/{graph_id}</c>.</summary>
    public int MaxRunRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Events a subscriber may fall behind by before it is closed with <c>1008 PolicyViolation</c>
    /// ("subscriber too slow"); this bounds the memory each subscriber can hold.</summary>
    public int MaxBufferedEvents { get; set; } = 10_000;

    /// <summary>Events read from a run's log per call while replaying.</summary>
    public int ReplayPageSize { get; set; } = 1_000;

    /// <summary>How often the server pings a client.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a ping may go unanswered before the connection is aborted (a client that vanished, or one
    /// that stopped reading altogether).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a closing handshake may take before the connection is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a subscriber that fell too far behind (and is stuck, not reading) has to take its close frame
    /// and reason before the connection is aborted without one.</summary>
    public TimeSpan SlowSubscriberGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>POST /graph/run</c> waits for the run to end before answering with the run as it is.</summary>
    public TimeSpan SynchronousRunTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
