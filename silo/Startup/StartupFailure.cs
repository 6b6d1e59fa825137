using System.Net.Sockets;
using Orleans.Runtime;

namespace Orchestrator.Silo.Startup;

/// <summary>Turns the failures of a silo's start that come from its settings or its surroundings (a port in use, a
/// membership database that is not ready) into one message for the user; anything else is a bug and stays an
/// exception.</summary>
internal static class StartupFailure
{
    public static string? Explain(Exception failure, SiloHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(options);
        var causes = Flatten(failure).ToList();
        var server = options.Uses(SiloHostOptions.PostgresStorageName) ? options.PostgresStorage.Server : null;

        if (causes.OfType<SocketException>().FirstOrDefault(e => e.SocketErrorCode == SocketError.AddressAlreadyInUse) is { } inUse)
        {
            return $"The silo could not listen: an address is already in use ({inUse.Message}). Choose free ports with --urls, " +
                $"--silo-port (now {options.SiloPort}) and --gateway-port (now {options.GatewayPort}).";
        }

        if (causes.OfType<Providers.Postgres.PostgresUnavailableException>().FirstOrDefault() is { } unavailable)
        {
            return $"The PostgreSQL database of --postgres (ORCHESTRATOR_POSTGRES) cannot be used. {unavailable.Message}";
        }

        if (server is not null && causes.FirstOrDefault(IsMembershipFailure) is { } membership)
        {
            return $"The silo could not join the cluster through PostgreSQL {server} (--postgres, ORCHESTRATOR_POSTGRES): {membership.Message}";
        }

        if (causes.FirstOrDefault(e => e is OrleansConfigurationException or Microsoft.Extensions.Options.OptionsValidationException) is { } configuration)
        {
            return $"The silo's settings are not valid: {configuration.Message}";
        }

        return null;
    }

    /// <summary>Orleans' membership provider reads its queries from the database at start and runs them; a missing query,
    /// a missing table, a refused login or an unreachable server surface as these.</summary>
    private static bool IsMembershipFailure(Exception e) =>
        e is Npgsql.NpgsqlException ||
        (e is ArgumentException && e.Message.StartsWith("Not all required queries found", StringComparison.Ordinal));

    private static IEnumerable<Exception> Flatten(Exception failure)
    {
        var pending = new Stack<Exception>([failure]);
        while (pending.TryPop(out var next))
        {
            yield return next;
            if (next is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (next.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
