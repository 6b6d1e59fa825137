namespace Orchestrator.Providers.Postgres;

/// <summary>The PostgreSQL server could not be reached or refused the connection while the storage started. The
/// message names the server (host, port, database, user), never the password.</summary>
public sealed class PostgresUnavailableException : Exception
{
    public PostgresUnavailableException()
    {
    }

    public PostgresUnavailableException(string message)
        : base(message)
    {
    }

    public PostgresUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
