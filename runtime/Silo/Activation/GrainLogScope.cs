using System.Collections;

namespace Orchestrator.Runtime.Activation;

/// <summary>The logging scope of an activation's turns: carries the grain id as <c>GrainId</c>.</summary>
internal sealed class GrainLogScope(GrainId grainId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?> _entry = new("GrainId", grainId.ToString());

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? _entry : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return _entry;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"GrainId:{_entry.Value}";
}
