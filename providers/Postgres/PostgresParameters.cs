using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Orchestrator.Providers.Postgres;

/// <summary>Terse, explicitly typed parameter binding and column reading for the PostgreSQL stores.</summary>
internal static class PostgresParameters
{
    /// <summary>Binds a parameter of the given type (null as SQL NULL) and returns the command, so calls chain.</summary>
    public static NpgsqlCommand With(this NpgsqlCommand command, string name, NpgsqlDbType type, object? value)
    {
        Add(command.Parameters, name, type, value);
        return command;
    }

    /// <inheritdoc cref="With(NpgsqlCommand, string, NpgsqlDbType, object?)"/>
    public static NpgsqlBatchCommand With(this NpgsqlBatchCommand command, string name, NpgsqlDbType type, object? value)
    {
        Add(command.Parameters, name, type, value);
        return command;
    }

    public static NpgsqlCommand WithText(this NpgsqlCommand command, string name, string? value) => command.With(name, NpgsqlDbType.Text, value);

    public static NpgsqlBatchCommand WithText(this NpgsqlBatchCommand command, string name, string? value) => command.With(name, NpgsqlDbType.Text, value);

    public static NpgsqlCommand WithBigint(this NpgsqlCommand command, string name, long value) => command.With(name, NpgsqlDbType.Bigint, value);

    public static NpgsqlBatchCommand WithBigint(this NpgsqlBatchCommand command, string name, long value) => command.With(name, NpgsqlDbType.Bigint, value);

    /// <summary>Binds a time as <c>timestamptz</c> (Npgsql writes UTC offsets only).</summary>
    public static NpgsqlBatchCommand WithTime(this NpgsqlBatchCommand command, string name, DateTimeOffset value) =>
        command.With(name, NpgsqlDbType.TimestampTz, value.ToUniversalTime());

    /// <inheritdoc cref="WithTime(NpgsqlBatchCommand, string, DateTimeOffset)"/>
    public static NpgsqlCommand WithTime(this NpgsqlCommand command, string name, DateTimeOffset value) =>
        command.With(name, NpgsqlDbType.TimestampTz, value.ToUniversalTime());

    public static DateTimeOffset GetTime(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static string? GetNullableString(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>ETags are bigints handed out as their decimal strings.</summary>
    public static string FormatEtag(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    /// <summary>False for a string no stored ETag can equal (it then matches nothing).</summary>
    public static bool TryParseEtag(string? etag, out long value) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static void Add(NpgsqlParameterCollection parameters, string name, NpgsqlDbType type, object? value) =>
        parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
}
