using System.Text.Json.Nodes;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Silo.Tests.Streams;

/// <summary>A run's event log and live stream under a test's control: <see cref="IRunGrain.GetEventsAsync"/> reads the
/// log (and first runs <see cref="OnRead"/>, so that a test can make events land during a replay), and
/// <see cref="Publish"/> hands an event to the live subscriber as the memory stream would.</summary>
internal sealed class ScriptedRun : IRunGrain, ITopic<RunEvent>
{
    private readonly List<RunEvent> _log = [];
    private ITopicObserver<RunEvent>? _subscriber;

    public StreamId Id { get; } = StreamId.Create(RunEventTypes.StreamNamespace, "scripted");

    /// <summary>Called at the start of every log read, with the read's <c>afterSeq</c>.</summary>
    public Func<long, Task>? OnRead { get; set; }

    public int Reads { get; private set; }

    public static RunEvent Event(long seq) => new() { Seq = seq, Type = RunEventTypes.Log, RunId = "scripted", Data = new JsonObject { ["n"] = seq } };

    /// <summary>Appends events to the log (persisted, not yet published).</summary>
    public void Persist(params long[] seqs) => _log.AddRange(seqs.Select(Event));

    /// <summary>Delivers an event live (it must be in the log already, as the engine persists before it publishes).</summary>
    public Task Publish(long seq) => _subscriber!.OnNextAsync(_log.Single(e => e.Seq == seq), new TopicPosition(-1, 1));

    public async Task<IReadOnlyList<RunEvent>> GetEventsAsync(long afterSeq, int maxCount)
    {
        Reads++;
        if (OnRead is not null)
        {
            await OnRead(afterSeq);
        }

        return [.. _log.Where(e => e.Seq > afterSeq).OrderBy(e => e.Seq).Take(maxCount)];
    }

    public Task<TopicSubscription> SubscribeAsync(ITopicObserver<RunEvent> observer, TopicSubscriptionOptions? options = null)
    {
        _subscriber = observer;
        return Task.FromResult<TopicSubscription>(new Handle(Id));
    }

    public Task<long> OnNextAsync(RunEvent item, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task RemoveConsumerAsync(string consumer) => throw new NotSupportedException();

    public Task<RunSnapshot> StartAsync(StartRun command) => throw new NotSupportedException();

    public Task<RunSnapshot> GetAsync() => throw new NotSupportedException();

    public Task<RunSnapshot> CancelAsync(string reason) => throw new NotSupportedException();

    public Task<RunSnapshot> PauseAsync() => throw new NotSupportedException();

    public Task<RunSnapshot> ResumeAsync() => throw new NotSupportedException();

    public Task<RunSnapshot> SignalAsync(string name, JsonNode? data) => throw new NotSupportedException();

    private sealed class Handle(StreamId id) : TopicSubscription
    {
        public override StreamId StreamId => id;

        public override Task UnsubscribeAsync() => Task.CompletedTask;
    }
}
