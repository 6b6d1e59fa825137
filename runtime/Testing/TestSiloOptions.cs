using System.Reflection;
using Orchestrator.Runtime.Hosting;

namespace Orchestrator.Runtime.Testing;

/// <summary>How a <see cref="TestSilo"/> is built.</summary>
public sealed record TestSiloOptions
{
    /// <summary>Grain classes to host.</summary>
    public IReadOnlyList<Type> GrainClasses { get; init; } = [];

    /// <summary>Assemblies whose grain classes are hosted.</summary>
    public IReadOnlyList<Assembly> GrainAssemblies { get; init; } = [];

    /// <summary>Path of a SQLite file; null keeps state in memory (the memory store survives <see cref="TestSilo.RestartAsync"/>).</summary>
    public string? SqlitePath { get; init; }

    /// <summary>The clock; the system clock when null.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Changes to the silo options.</summary>
    public Action<SiloOptions>? Configure { get; init; }

    /// <summary>Extra service registrations (services grains depend on).</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? Services { get; init; }
}
