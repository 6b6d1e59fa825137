using System.Text;

namespace Orchestrator.Loops.Worker;

/// <summary>The last characters a worker wrote to its standard error, to say why it died (an unhandled exception,
/// <c>Environment.FailFast</c>'s message). Stack frames are left out: they would crowd out the message.</summary>
internal sealed class StderrTail(int capacity)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public void Append(string line)
    {
        var text = line.Trim();
        if (text.Length == 0 || text.StartsWith("at ", StringComparison.Ordinal))
        {
            return;
        }

        lock (_lock)
        {
            if (_text.Length > 0)
            {
                _text.Append(" | ");
            }

            _text.Append(text);
            if (_text.Length > capacity)
            {
                _text.Remove(0, _text.Length - capacity).Insert(0, '…');
            }
        }
    }

    public string Text()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }
}
