using System.Text.Json;
using Orchestrator.Api.Streams;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Orchestrator.Api.Compat;

/// <summary>One <c>WS /ws</c> client: its subscriptions, its bounded queue of matching messages (overflow closes it as
/// too slow), and its control messages: <c>{"type":"subscribe"|"unsubscribe","subscriptions":[…]}</c> and
/// <c>{"type":"ping"}</c>.</summary>
internal sealed class NotificationSession
{
    private readonly Channel<NotificationMessage> _queue;
    private readonly int _capacity;
    private readonly TimeProvider _clock;
    private int _overflowed;

    public NotificationSession(EventSocket socket, int capacity, TimeProvider clock)
    {
        Socket = socket;
        _capacity = capacity;
        _clock = clock;
        _queue = Channel.CreateBounded<NotificationMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public EventSocket Socket { get; }

    /// <summary>The session's id as the client sees it in <c>connected</c>.</summary>
    public string SessionId => $"ws-{Socket.Id}";

    public NotificationSubscriptions Subscriptions { get; } = new();

    /// <summary>Queues <paramref name="message"/> when it matches; never waits.</summary>
    public void Offer(NotificationMessage message)
    {
        if (!Subscriptions.Matches(message) || _queue.Writer.TryWrite(message) || Socket.IsClosing)
        {
            return;
        }

        if (Interlocked.Exchange(ref _overflowed, 1) == 0)
        {
            var overflow = new SubscriberTooSlowException(_capacity);
            _queue.Writer.TryComplete(overflow);
            while (_queue.Reader.TryRead(out _))
            {
            }

            Socket.CloseTooSlow(overflow.Message);
        }
    }

    /// <summary>Sends queued messages until the socket closes.</summary>
    public async Task PumpAsync()
    {
        await foreach (var message in _queue.Reader.ReadAllAsync(Socket.Stopping))
        {
            await Socket.SendAsync(message.Utf8Json);
        }
    }

    /// <summary>Handles one control message from the client; a bad one is answered with an error and changes
    /// nothing.</summary>
    public async Task HandleAsync(EventSocket socket, string text)
    {
        var (message, problem) = Read(text);
        if (message is null)
        {
            await EventSocketSession.TrySendErrorAsync(socket, problem!);
            return;
        }

        var type = (string)message["type"]!;
        switch (type)
        {
            case "subscribe" or "unsubscribe":
                var (subscriptions, invalid) = NotificationSubscriptions.Parse(message["subscriptions"]);
                if (subscriptions is null)
                {
                    await EventSocketSession.TrySendErrorAsync(socket, invalid!);
                    return;
                }

                if (type == "unsubscribe")
                {
                    Subscriptions.Remove(subscriptions);
                }
                else if (!Subscriptions.Add(subscriptions))
                {
                    await EventSocketSession.TrySendErrorAsync(socket, $"a session may hold at most {NotificationSubscriptions.MaxSubscriptions} subscriptions");
                    return;
                }

                await EventSocketSession.TrySendAsync(socket, new JsonObject
                {
                    ["type"] = type == "subscribe" ? "subscribed" : "unsubscribed",
                    ["subscriptions"] = new JsonArray([.. Subscriptions.Current.Select(s => (JsonNode)s)]),
                });
                return;
            case "ping":
                await EventSocketSession.TrySendAsync(socket, new JsonObject { ["type"] = "pong", ["timestamp"] = JsonValue.Create(_clock.GetUtcNow()) });
                return;
            default:
                await EventSocketSession.TrySendErrorAsync(socket, $"unknown message type '{type}' (use subscribe, unsubscribe or ping)");
                return;
        }
    }

    private static (JsonObject? Message, string? Problem) Read(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is not JsonObject message)
            {
                return (null, "a message must be a JSON object such as {\"type\":\"subscribe\",\"subscriptions\":[\"*\"]}");
            }

            if (message["type"] is not JsonValue type || !type.TryGetValue<string>(out _))
            {
                return (null, "type must be a string: subscribe, unsubscribe or ping");
            }

            return (message, null);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return (null, $"the message is not valid JSON: {e.Message}");
        }
    }
}
