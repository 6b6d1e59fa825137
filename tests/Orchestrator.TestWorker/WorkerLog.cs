namespace Orchestrator.TestWorker;

/// <summary>Lines the tests read: appended and flushed one by one, so that a line is on disk before the work goes on.</summary>
internal sealed class WorkerLog(string path) : IDisposable
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    private readonly Lock _lock = new();

    public void Write(string line)
    {
        lock (_lock)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose() => _writer.Dispose();
}
