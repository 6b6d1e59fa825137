using System.Globalization;

namespace Orchestrator.Providers.Sqlite;

/// <summary>ETags are stored as integers and handed out as their decimal strings.</summary>
internal static class SqliteEtag
{
    public static string Format(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    /// <summary>False for a string no SQLite ETag can equal (it then matches nothing stored).</summary>
    public static bool TryParse(string etag, out long value) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
