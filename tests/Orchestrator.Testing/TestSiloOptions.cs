using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Testing;

/// <summary>How a <see cref="TestSilo"/> is built.</summary>
public sealed record TestSiloOptions
{
    /// <summary>How many silos the cluster has; with SQLite or memory they share one storage backend (SQLite has one
    /// writer), with PostgreSQL each has its own.</summary>
    public int Silos { get; init; } = 1;

    /// <summary>Path of a SQLite file; null keeps state in memory (the memory store survives <see cref="TestSilo.RestartAsync"/>).</summary>
    public string? SqlitePath { get; init; }

    /// <summary>An Npgsql connection string: every silo opens a PostgreSQL backend of its own on this database, as silo
    /// processes of one cluster would, and the silos find each other through its membership tables (Orleans' ADO.NET
    /// clustering) instead of the test cluster's in-memory membership. Takes precedence over <see cref="SqlitePath"/>.</summary>
    public string? Postgres { get; init; }

    /// <summary>The clock the orchestrator's grains and services read (<see cref="OrchestratorClock"/>), which also drives
    /// the timers one-shot reminders ride; the system clock when null. Orleans' runtime and its reminders keep the system
    /// clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Changes to the durable streams' settings.</summary>
    public Action<StreamOptions>? Streams { get; init; }

    /// <summary>Extra service registrations of the silo (the engine, services grains depend on).</summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>Extra configuration of each silo (Orleans' activity propagation, say).</summary>
    public Action<ISiloBuilder>? Silo { get; init; }

    /// <summary>Extra configuration of the cluster client.</summary>
    public Action<IClientBuilder>? Client { get; init; }
}
