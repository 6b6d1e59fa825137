using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;
using Orchestrator.Errors;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;
using Orchestrator.Testing;
using Orchestrator.Workflows;
using Orleans.Runtime;

namespace Orchestrator.Grains.Tests.Runs;

/// <summary>A test silo with the workflow engine, recording every run event so tests can wait on them.</summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private readonly TestSiloOptions _options;
    private readonly EventRecorder _recorder;
    private readonly ErrorRecorder _errors = new();
    private readonly List<TopicSubscription> _subscriptions = [];

    private EngineHost(TestSilo silo, TestSiloOptions options, EventRecorder recorder)
    {
        Silo = silo;
        _options = options;
        _recorder = recorder;
    }

    public TestSilo Silo { get; private set; }

    public IGrainFactory Grains => Silo.GrainFactory;

    public static async Task<EngineHost> StartAsync(
        FakeClock? clock = null, string? sqlitePath = null, Action<EngineOptions>? engine = null, Action<StreamOptions>? streams = null, int silos = 1,
        Action<ISiloBuilder>? silo = null)
    {
        var recorder = new EventRecorder();
        var options = new TestSiloOptions
        {
            Clock = clock,
            SqlitePath = sqlitePath,
            Streams = streams,
            Silos = silos,
            Silo = silo,
            Services = services =>
            {
                services.AddWorkflowEngine(engine);
                if (silos > 1)
                {
                    // Spread grains over the silos: Orleans' default placement keeps a caller's grains on its own silo
                    // while loads are even, and the multi-silo tests need calls that cross silos.
                    services.AddSingleton<Orleans.Runtime.PlacementStrategy, Orleans.Runtime.RandomPlacement>();
                }
            },
        };
        var host = new EngineHost(await TestSilo.StartAsync(options), options, recorder);
        await host.SubscribeAsync();
        return host;
    }

    public async Task RestartAsync()
    {
        foreach (var subscription in _subscriptions)
        {
            await subscription.UnsubscribeAsync();
        }

        _subscriptions.Clear();

        Silo = await Silo.RestartAsync();
        await SubscribeAsync();
    }

    public async Task<WorkflowVersion> PutAsync(string yaml)
    {
        var loaded = DefinitionLoader.Load(yaml);
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        return await Grains.GetGrain<IWorkflowGrain>(loaded.Definition!.Name).PutAsync(loaded.Definition);
    }

    public Task<RunSnapshot> StartRunAsync(string workflow, JsonNode? input = null, string? runId = null, string? idempotencyKey = null) =>
        Grains.GetGrain<IRunGrain>(runId ?? (idempotencyKey is null ? RunIds.New(TimeProvider.System) : RunIds.ForIdempotencyKey(workflow, idempotencyKey)))
            .StartAsync(new StartRun { Workflow = workflow, Input = input, IdempotencyKey = idempotencyKey });

    public IRunGrain Run(string runId) => Grains.GetGrain<IRunGrain>(runId);

    /// <summary>The run activations in the silo now.</summary>
    public async Task<int> RunActivationsAsync() =>
        (await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            .Where(s => s.GrainType.StartsWith("Orchestrator.Runs.RunGrain,", StringComparison.Ordinal)).Sum(s => s.ActivationCount);

    /// <summary>Waits until no run is activated in the silo (idle or finished runs leave on their own), failing after
    /// <paramref name="bound"/> with <paramref name="why"/>.</summary>
    public Task UntilNoRunIsActiveAsync(TimeSpan bound, string why) =>
        WhileRunsAreActiveAsync(bound, why, () => Task.Delay(TimeSpan.FromMilliseconds(50)));

    /// <summary>Has Orleans collect the idle activations until no run is activated, failing after <paramref name="bound"/>
    /// with <paramref name="why"/>.</summary>
    public Task CollectIdleRunsAsync(TimeSpan bound, string why) =>
        WhileRunsAreActiveAsync(bound, why, () => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero));

    private async Task WhileRunsAreActiveAsync(TimeSpan bound, string why, Func<Task> meanwhile)
    {
        var deadline = DateTime.UtcNow + bound;
        while (await RunActivationsAsync() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, why);
            await meanwhile();
        }
    }

    /// <summary>The names of the run's (or another grain's) registered durable reminders.</summary>
    public async Task<IEnumerable<string>> RemindersAsync(string key, string grainType = "run") =>
        (await Silo.Services.GetRequiredService<IReminderTable>().ReadRows(GrainId.Create(grainType, key))).Reminders.Select(r => r.ReminderName);

    /// <summary>Removes the run's (or another grain's) durable reminders from the reminder table, as if their registration
    /// had been refused.</summary>
    public async Task ForgetRemindersAsync(string key, string grainType = "run")
    {
        var table = Silo.Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create(grainType, key);
        foreach (var reminder in (await table.ReadRows(grain)).Reminders)
        {
            Assert.True(await table.RemoveRow(grain, reminder.ReminderName, reminder.ETag!), $"reminder {reminder.ReminderName} was not removed");
        }
    }

    /// <summary>Delivers a tick of the run's reminder <paramref name="name"/> as the reminder service does when it falls
    /// due (Orleans' reminders keep real time; a test on the fake clock delivers the tick itself).</summary>
    public Task TickAsync(string runId, string name = "delays")
    {
        var now = DateTime.UtcNow;
        return Grains.GetGrain<IRemindable>(GrainId.Create("run", runId)).ReceiveReminder(name, new TickStatus(now, TimeSpan.FromSeconds(5), now));
    }

    public IErrorRecordGrain Error(string errorId) => Grains.GetGrain<IErrorRecordGrain>(errorId);

    /// <summary>Waits for the run to finish and returns it.</summary>
    public async Task<RunSnapshot> WaitForEndAsync(string runId)
    {
        try
        {
            await WaitForAsync(runId, e => RunEventTypes.IsTerminal(e.Type));
        }
        catch (TimeoutException e)
        {
            var run = await Run(runId).GetAsync();
            var nodes = string.Join(", ", run.Nodes.Select(pair => $"{pair.Key}: {pair.Value.Status} after {pair.Value.Attempts} attempts"));
            var events = string.Join(", ", Events(runId).Select(ev => ev.Type));
            throw new TimeoutException($"Run {runId} did not end: it is {run.Status} ({nodes}); events seen: {events}", e);
        }

        return await Run(runId).GetAsync();
    }

    /// <summary>Waits until an event of the run matches; returns it.</summary>
    public Task<RunEvent> WaitForAsync(string runId, Func<RunEvent, bool> match) => _recorder.WaitAsync(runId, match);

    /// <summary>Waits until <paramref name="count"/> events of the run match.</summary>
    public Task<RunEvent> WaitForCountAsync(string runId, Func<RunEvent, bool> match, int count) => _recorder.WaitForCountAsync(runId, match, count);

    public IReadOnlyList<RunEvent> Events(string runId) => _recorder.Events(runId);

    /// <summary>Waits until the error record, as announced on its stream, matches.</summary>
    public Task<ErrorRecordSnapshot> WaitForErrorAsync(string errorId, Func<ErrorRecordSnapshot, bool> match) => _errors.WaitAsync(errorId, match);

    public async ValueTask DisposeAsync() => await Silo.DisposeAsync();

    /// <summary>Subscribes on the first silo only, as a socket would: grains active on the other silos announce there
    /// through the cluster relay.</summary>
    private async Task SubscribeAsync()
    {
        var memory = TopicProviders.Get(Silo.Services, TopicProviderNames.Memory);
        _subscriptions.Add(await memory.GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, RunEventTypes.AllRunsStreamKey))
            .SubscribeAsync(_recorder));
        _subscriptions.Add(await memory.GetTopic<ErrorRecordSnapshot>(StreamId.Create(ErrorRecordEvents.StreamNamespace, ErrorRecordEvents.AllKey))
            .SubscribeAsync(_errors));
    }

    private sealed class ErrorRecorder : ITopicObserver<ErrorRecordSnapshot>
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, List<ErrorRecordSnapshot>> _seen = new(StringComparer.Ordinal);
        private readonly List<(string Id, Func<ErrorRecordSnapshot, bool> Match, TaskCompletionSource<ErrorRecordSnapshot> Done)> _waiters = [];

        public Task OnNextAsync(ErrorRecordSnapshot item, TopicPosition token)
        {
            lock (_lock)
            {
                if (!_seen.TryGetValue(item.Id, out var list))
                {
                    _seen[item.Id] = list = [];
                }

                list.Add(item);
                foreach (var waiter in _waiters.Where(w => w.Id == item.Id && w.Match(item)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(item);
                }
            }

            return Task.CompletedTask;
        }

        public Task<ErrorRecordSnapshot> WaitAsync(string errorId, Func<ErrorRecordSnapshot, bool> match)
        {
            var done = new TaskCompletionSource<ErrorRecordSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (_seen.TryGetValue(errorId, out var list) && list.LastOrDefault(match) is { } hit)
                {
                    return Task.FromResult(hit);
                }

                _waiters.Add((errorId, match, done));
            }

            return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class EventRecorder : ITopicObserver<RunEvent>
    {
        private readonly ConcurrentDictionary<string, List<RunEvent>> _events = new();
        private readonly Lock _lock = new();
        private readonly List<(string RunId, Func<IReadOnlyList<RunEvent>, RunEvent?> Check, TaskCompletionSource<RunEvent> Done)> _waiters = [];

        public IReadOnlyList<RunEvent> Events(string runId)
        {
            lock (_lock)
            {
                return _events.TryGetValue(runId, out var list) ? [.. list] : [];
            }
        }

        public Task OnNextAsync(RunEvent item, TopicPosition token)
        {
            lock (_lock)
            {
                var list = _events.GetOrAdd(item.RunId, _ => []);
                list.Add(item);
                foreach (var waiter in _waiters.Where(w => w.RunId == item.RunId).ToList())
                {
                    if (waiter.Check(list) is { } hit)
                    {
                        _waiters.Remove(waiter);
                        waiter.Done.TrySetResult(hit);
                    }
                }
            }

            return Task.CompletedTask;
        }

        public Task<RunEvent> WaitAsync(string runId, Func<RunEvent, bool> match) =>
            Wait(runId, list => list.FirstOrDefault(match));

        public Task<RunEvent> WaitForCountAsync(string runId, Func<RunEvent, bool> match, int count) =>
            Wait(runId, list => list.Where(match).Skip(count - 1).FirstOrDefault());

        private Task<RunEvent> Wait(string runId, Func<IReadOnlyList<RunEvent>, RunEvent?> check)
        {
            var done = new TaskCompletionSource<RunEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (_events.TryGetValue(runId, out var list) && check(list) is { } hit)
                {
                    return Task.FromResult(hit);
                }

                _waiters.Add((runId, check, done));
            }

            return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
