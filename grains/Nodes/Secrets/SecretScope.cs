namespace Orchestrator.Nodes.Secrets;

/// <summary>The secret values of the node attempt running in this async flow, so that what its calls record outside the
/// node — the HTTP client's spans, which name the URL — can leave them out. Set by <see cref="SecretResolvingExecutor"/>
/// for as long as the attempt runs.</summary>
public static class SecretScope
{
    private static readonly AsyncLocal<IReadOnlyList<string>?> Values = new();

    /// <summary>Whether an attempt with secrets runs in this flow.</summary>
    public static bool Active => Values.Value is { Count: > 0 };

    /// <summary><paramref name="text"/> with the flow's secrets (as written and as escaped in a URL) replaced by
    /// <see cref="SecretReference.Redacted"/>; unchanged outside an attempt with secrets.</summary>
    public static string Redact(string text) => Values.Value is { Count: > 0 } values ? SecretReference.Redact(text, values) : text;

    /// <summary>Puts <paramref name="values"/> in scope until the result is disposed.</summary>
    internal static IDisposable Enter(IReadOnlyList<string> values)
    {
        var previous = Values.Value;
        Values.Value = [.. values.Concat(values.Select(Uri.EscapeDataString)).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)];
        return new Exit(previous);
    }

    private sealed class Exit(IReadOnlyList<string>? previous) : IDisposable
    {
        public void Dispose() => Values.Value = previous;
    }
}
