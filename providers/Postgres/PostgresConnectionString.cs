using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Npgsql;

namespace Orchestrator.Providers.Postgres;

/// <summary>Reads and describes Npgsql connection strings without ever echoing a value: a malformed one is reported
/// by the keyword at fault, and descriptions name host, port, database and user only.</summary>
internal static class PostgresConnectionString
{
    /// <summary>Parses the connection string; throws <see cref="ArgumentException"/> naming the problem (never a value).</summary>
    public static NpgsqlConnectionStringBuilder Parse(string? connectionString, string parameterName) =>
        TryParse(connectionString, out var builder, out var problem) ? builder : throw new ArgumentException(problem, parameterName);

    /// <summary>Parses the connection string, or says what is wrong with it without quoting any value.</summary>
    public static bool TryParse(
        string? connectionString,
        [NotNullWhen(true)] out NpgsqlConnectionStringBuilder? builder,
        [NotNullWhen(false)] out string? problem)
    {
        builder = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            problem = "The PostgreSQL connection string is empty.";
            return false;
        }

        var generic = new DbConnectionStringBuilder();
        try
        {
            generic.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // The parser's own message may quote the text, password included.
            problem = "The PostgreSQL connection string is malformed: it is not a list of keyword=value pairs separated by ';' " +
                "(a value holding ';' or '=' must be quoted).";
            return false;
        }

        var parsed = new NpgsqlConnectionStringBuilder();
        foreach (string keyword in generic.Keys)
        {
            try
            {
                parsed[keyword] = generic[keyword];
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                problem = Unreadable(keyword, parsed);
                return false;
            }
        }

        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            problem = "The PostgreSQL connection string names no server: add Host=<name or address>.";
            return false;
        }

        builder = parsed;
        problem = null;
        return true;
    }

    /// <summary>The server as <c>host:port/database as user</c>, or a note that the string could not be read.</summary>
    public static string Describe(string? connectionString)
    {
        try
        {
            return Describe(Parse(connectionString, nameof(connectionString)));
        }
        catch (ArgumentException)
        {
            return "(malformed connection string)";
        }
    }

    public static string Describe(NpgsqlConnectionStringBuilder builder) => string.Create(CultureInfo.InvariantCulture,
        $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username ?? "(default database)"} as {builder.Username ?? "(default user)"}");

    private static string Unreadable(string keyword, NpgsqlConnectionStringBuilder builder) =>
        IsKnown(builder, keyword)
            ? $"The PostgreSQL connection string is malformed: the value of '{keyword}' is not valid for that setting."
            : $"The PostgreSQL connection string is malformed: '{keyword}' is not a setting Npgsql knows.";

    private static bool IsKnown(NpgsqlConnectionStringBuilder builder, string keyword)
    {
        try
        {
            _ = builder[keyword];
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
