using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Testing;
using Orchestrator.Runtime.Tests.Grains;

namespace Orchestrator.Runtime.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Meter_ReportsCallsLatencyAndActivations()
    {
        var probe = new Probe();
        await using var silo = await TestSilo.StartAsync(Silos.Options(probe));
        // Meters are process-wide: only this silo's (made by its own factory), not those of tests running alongside.
        var meters = silo.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentBag<(string Instrument, double Value, string? GrainType)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Orchestrator.Runtime" && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, GrainType(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, GrainType(tags))));
        listener.Start();

        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("metered");
        for (var i = 0; i < 5; i++)
        {
            await grain.AddAsync(i, i);
        }

        Assert.Equal(5, measurements.Count(m => m.Instrument == "orchestrator.grain.calls" && m.GrainType == "turn"));
        Assert.Equal(5, measurements.Count(m => m.Instrument == "orchestrator.grain.call.duration" && m.GrainType == "turn" && m.Value >= 0));
        Assert.Contains(measurements, m => m.Instrument == "orchestrator.grain.activations" && m.GrainType == "turn" && m.Value == 1);
    }

    [Fact]
    public async Task Logs_FromAGrainTurn_CarryTheGrainIdInScope()
    {
        var probe = new Probe();
        var scopes = new ConcurrentBag<string>();
        var options = Silos.Options(probe) with
        {
            Services = services =>
            {
                services.AddSingleton(probe);
                services.AddLogging(b => b.AddProvider(new ScopeCapturingProvider(scopes)).SetMinimumLevel(LogLevel.Trace));
            },
        };
        await using var silo = await TestSilo.StartAsync(options);
        await silo.GrainFactory.GetGrain<ICounterGrain>("scoped").IncrementAsync(1);

        // Activation logs at Debug from inside the activation's first turn.
        Assert.Contains("counter/scoped", scopes);
    }

    private static string? GrainType(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "grain.type")
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    private sealed class ScopeCapturingProvider(ConcurrentBag<string> scopes) : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopeProvider = new LoggerExternalScopeProvider();

        public ConcurrentBag<string> Scopes { get; } = scopes;

        public ILogger CreateLogger(string categoryName) => new ScopeLogger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopeProvider = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class ScopeLogger(ScopeCapturingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopeProvider.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._scopeProvider.ForEachScope(
                    static (scope, bag) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            foreach (var pair in pairs.Where(p => p.Key == "GrainId"))
                            {
                                bag.Add(pair.Value?.ToString() ?? "");
                            }
                        }
                    },
                    owner.Scopes);
        }
    }
}
