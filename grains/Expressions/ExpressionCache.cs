using System.Collections.Concurrent;

namespace Orchestrator.Expressions;

/// <summary>
/// Parsed expressions and templates by text, shared across evaluations and threads, so that each text is parsed
/// once (keep one per definition version, or one for the process). When it holds <see cref="Capacity"/> entries
/// it starts over rather than grow without bound. Texts that fail to parse are not cached.
/// </summary>
public sealed class ExpressionCache
{
    /// <summary>The capacity used by the parameterless constructor.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<string, CompiledExpression> _expressions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledTemplate> _templates = new(StringComparer.Ordinal);

    /// <summary>Creates a cache holding at most <see cref="DefaultCapacity"/> expressions and as many templates.</summary>
    public ExpressionCache()
        : this(DefaultCapacity)
    {
    }

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> expressions and as many templates.</summary>
    public ExpressionCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most entries of each kind the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>The number of expressions and templates held.</summary>
    public int Count => _expressions.Count + _templates.Count;

    /// <summary>Returns <paramref name="text"/> parsed as an expression.</summary>
    /// <exception cref="ExpressionException">The text is not a valid expression.</exception>
    public CompiledExpression GetExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Get(_expressions, text, CompiledExpression.Parse);
    }

    /// <summary>Returns <paramref name="text"/> parsed as a template.</summary>
    /// <exception cref="ExpressionException">A placeholder in the text is invalid.</exception>
    public CompiledTemplate GetTemplate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Get(_templates, text, CompiledTemplate.Parse);
    }

    private T Get<T>(ConcurrentDictionary<string, T> entries, string text, Func<string, T> parse)
    {
        if (entries.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var parsed = parse(text);
        if (entries.Count >= Capacity)
        {
            entries.Clear();
        }

        return entries.GetOrAdd(text, parsed);
    }
}
