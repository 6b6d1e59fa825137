using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;
using Orchestrator.Queries;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;
using Orchestrator.Testing;
using Orchestrator.Schedules;
using Orchestrator.Workflows;

namespace Orchestrator.Grains.Tests.Schedules;

/// <summary>A test silo with the workflow engine and schedules on a fake clock, recording every schedule execution
/// and run event so tests wait on them instead of sleeping. It can stop and start again on the same storage, with the
/// clock moved in between (the silo "down" across due times).</summary>
internal sealed class ScheduleHost : IAsyncDisposable
{
    private readonly Recorder<ScheduleExecutionEvent> _executions = new(e => e.ScheduleId);
    private readonly Recorder<RunEvent> _runEvents = new(e => e.RunId);
    private readonly List<TopicSubscription> _subscriptions = [];

    private ScheduleHost(TestSilo silo, FakeClock clock)
    {
        Silo = silo;
        Clock = clock;
    }

    public TestSilo Silo { get; private set; }

    public FakeClock Clock { get; }

    public IGrainFactory Grains => Silo.GrainFactory;

    public static async Task<ScheduleHost> StartAsync(
        FakeClock clock, string? sqlitePath = null, ScheduleOptions? schedules = null, Action<IServiceCollection>? services = null)
    {
        var more = services;
        var options = new TestSiloOptions
        {
            Clock = clock,
            SqlitePath = sqlitePath,
            Services = services =>
            {
                services.AddSingleton(schedules ?? new ScheduleOptions());
                services.AddWorkflowEngine();
                more?.Invoke(services);
            },
        };
        var host = new ScheduleHost(await TestSilo.StartAsync(options), clock);
        await host.SubscribeAsync();
        return host;
    }

    /// <summary>Stops the silo gracefully (turns finish, state is flushed).</summary>
    public Task StopAsync()
    {
        _subscriptions.Clear();
        return Silo.StopAsync();
    }

    /// <summary>Starts the silo again on the same storage (stopping it first if it runs), then lets reminders that fell
    /// due while it was down fire (the fake clock fires timers only when moved).</summary>
    public async Task StartAgainAsync()
    {
        _subscriptions.Clear();
        Silo = await Silo.RestartAsync();
        await SubscribeAsync();
        Clock.Advance(TimeSpan.Zero);
    }

    public IScheduleGrain Schedule(string id) => Grains.GetGrain<IScheduleGrain>(id);

    public IRunGrain Run(string runId) => Grains.GetGrain<IRunGrain>(runId);

    public async Task PutAsync(string yaml)
    {
        var loaded = DefinitionLoader.Load(yaml);
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        await Grains.GetGrain<IWorkflowGrain>(loaded.Definition!.Name).PutAsync(loaded.Definition);
    }

    /// <summary>A workflow whose runs stay running until cancelled (its delay is longer than any test moves the clock).</summary>
    public Task PutLongRunningAsync(string name = "long") => PutAsync($$"""
        name: {{name}}
        nodes:
          wait: { type: delay, duration: 40d }
        """);

    /// <summary>A workflow whose runs finish at once.</summary>
    public Task PutQuickAsync(string name = "quick") => PutAsync($$"""
        name: {{name}}
        nodes:
          only: { type: noop }
        """);

    public Task<ScheduleSnapshot> CreateAsync(string id, ScheduleDefinition definition) => Schedule(id).CreateAsync(definition);

    /// <summary>Moves the clock to <paramref name="at"/>, firing what falls due on the way.</summary>
    public void AdvanceTo(DateTimeOffset at) => Clock.SetUtcNow(at);

    /// <summary>Waits until the schedule has announced <paramref name="count"/> executions since the host started.</summary>
    public async Task<IReadOnlyList<ScheduleExecution>> WaitForExecutionsAsync(string scheduleId, int count) =>
        [.. (await _executions.WaitForCountAsync(scheduleId, count)).Select(e => e.Execution)];

    /// <summary>Every execution announced by the schedule since the host started, oldest first.</summary>
    public IReadOnlyList<ScheduleExecution> Announced(string scheduleId) => [.. _executions.Items(scheduleId).Select(e => e.Execution)];

    /// <summary>Waits for the run to finish and returns it (it may have finished before the host subscribed, during a start).</summary>
    public async Task<RunSnapshot> WaitForRunEndAsync(string runId)
    {
        var run = await Run(runId).GetAsync();
        if (run.Status.IsFinished())
        {
            return run;
        }

        await _runEvents.WaitAsync(runId, e => RunEventTypes.IsTerminal(e.Type));
        return await Run(runId).GetAsync();
    }

    /// <summary>Waits until an event of the run matches.</summary>
    public Task<RunEvent> WaitForRunEventAsync(string runId, Func<RunEvent, bool> match) => _runEvents.WaitAsync(runId, match);

    /// <summary>Every run of <paramref name="workflow"/>, newest first.</summary>
    public async Task<IReadOnlyList<RunSummary>> RunsOfAsync(string workflow) =>
        (await Grains.GetGrain<IQueryGrain>(IQueryGrain.Key).ListRunsAsync(workflow, null, 500, null)).Items;

    public static JsonObject Input(string key, int value) => new() { [key] = value };

    public async ValueTask DisposeAsync() => await Silo.DisposeAsync();

    private async Task SubscribeAsync()
    {
        var memory = TopicProviders.Get(Silo.Services, TopicProviderNames.Memory);
        _subscriptions.Add(await memory.GetTopic<ScheduleExecutionEvent>(StreamId.Create(IScheduleGrain.StreamNamespace, IScheduleGrain.AllSchedulesStreamKey))
            .SubscribeAsync(_executions));
        _subscriptions.Add(await memory.GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, RunEventTypes.AllRunsStreamKey))
            .SubscribeAsync(_runEvents));
    }

    /// <summary>Items of a stream by key, with waiters that complete when a condition holds.</summary>
    private sealed class Recorder<T>(Func<T, string> keyOf) : ITopicObserver<T>
    {
        private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
        private readonly Lock _lock = new();
        private readonly Dictionary<string, List<T>> _items = [];
        private readonly List<(string Key, Func<List<T>, bool> Check, TaskCompletionSource<List<T>> Done)> _waiters = [];

        public IReadOnlyList<T> Items(string key)
        {
            lock (_lock)
            {
                return _items.TryGetValue(key, out var list) ? [.. list] : [];
            }
        }

        public Task OnNextAsync(T item, TopicPosition token)
        {
            lock (_lock)
            {
                var key = keyOf(item);
                if (!_items.TryGetValue(key, out var list))
                {
                    _items[key] = list = [];
                }

                list.Add(item);
                foreach (var waiter in _waiters.Where(w => w.Key == key && w.Check(list)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult([.. list]);
                }
            }

            return Task.CompletedTask;
        }

        public Task<List<T>> WaitForCountAsync(string key, int count) => WaitAsync(key, list => list.Count >= count);

        public async Task<T> WaitAsync(string key, Func<T, bool> match) => (await WaitAsync(key, list => list.Any(match))).First(match);

        private Task<List<T>> WaitAsync(string key, Func<List<T>, bool> check)
        {
            var done = new TaskCompletionSource<List<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (_items.TryGetValue(key, out var list) && check(list))
                {
                    return Task.FromResult<List<T>>([.. list]);
                }

                _waiters.Add((key, check, done));
            }

            return done.Task.WaitAsync(Bound);
        }
    }
}
