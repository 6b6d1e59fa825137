using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Definitions;

namespace Orchestrator.Api.Problems;

/// <summary>Parses query-string values, answering a <c>400</c> problem that names the parameter when one is malformed.
/// Endpoints take query values as strings and parse them here, so that <c>?limit=abc</c> is named in the answer.</summary>
internal static class QueryParameters
{
    /// <summary>A page size: absent → <see cref="RequestLimits.DefaultPageSize"/>, else 1 to <paramref name="max"/>.</summary>
    public static ProblemHttpResult? TryPageSize(string? text, out int value, int max = RequestLimits.MaxPageSize, string name = "limit") =>
        TryInt(text, name, 1, max, RequestLimits.DefaultPageSize, out value);

    /// <summary>An integer in <paramref name="min"/>..<paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    public static ProblemHttpResult? TryInt(string? text, string name, long min, long max, long fallback, out int value)
    {
        var problem = TryLong(text, name, min, max, fallback, out var wide);
        value = (int)Math.Clamp(wide, int.MinValue, int.MaxValue);
        return problem;
    }

    /// <summary>An integer in <paramref name="min"/>..<paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    public static ProblemHttpResult? TryLong(string? text, string name, long min, long max, long fallback, out long value)
    {
        value = fallback;
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            value = fallback;
            return ApiProblems.BadRequest(name, $"{name} must be a whole number from {min} to {max}, not '{text}'");
        }

        return null;
    }

    /// <summary><c>true</c>/<c>false</c> (also <c>1</c>/<c>0</c>); absent → false.</summary>
    public static ProblemHttpResult? TryBool(string? text, string name, out bool value)
    {
        value = false;
        switch (text?.ToUpperInvariant())
        {
            case null or "FALSE" or "0":
                return null;
            case "TRUE" or "1" or "":
                value = true;
                return null;
            default:
                return ApiProblems.BadRequest(name, $"{name} must be true or false, not '{text}'");
        }
    }

    /// <summary>A duration such as <c>30s</c> or <c>5m</c> from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static ProblemHttpResult? TryDuration(string? text, string name, TimeSpan min, TimeSpan max, TimeSpan fallback, out TimeSpan value)
    {
        value = fallback;
        if (text is null)
        {
            return null;
        }

        if (!Duration.TryParse(text, out value, out var error))
        {
            value = fallback;
            return ApiProblems.BadRequest(name, error);
        }

        if (value < min || value > max)
        {
            value = fallback;
            return ApiProblems.BadRequest(name, $"{name} must be from {Duration.Format(min)} to {Duration.Format(max)}, not '{text}'");
        }

        return null;
    }

    /// <summary>A value of a status enum by its JSON name (<c>running</c>, <c>retry_scheduled</c>); absent → null.</summary>
    public static ProblemHttpResult? TryEnum<T>(string? text, string name, out T? value)
        where T : struct, Enum
    {
        value = null;
        if (text is null)
        {
            return null;
        }

        foreach (var (candidate, json) in EnumNames<T>.All)
        {
            if (string.Equals(json, text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return null;
            }
        }

        return ApiProblems.BadRequest(name, $"{name} must be one of {string.Join(", ", EnumNames<T>.All.Select(e => e.Json))}, not '{text}'");
    }

    /// <summary>Each value of <typeparamref name="T"/> with its name in JSON.</summary>
    private static class EnumNames<T>
        where T : struct, Enum
    {
        public static readonly (T Value, string Json)[] All =
            [.. Enum.GetValues<T>().Select(v => (v, JsonSerializer.Serialize(v).Trim('"')))];
    }
}
