using System.Collections.Concurrent;

namespace Orchestrator.Runtime.Activation;

/// <summary>Runs the tasks of one activation one at a time, in order, on the thread pool. Everything a turn awaits
/// continues here, so a grain's code never runs on two threads at once, even when read-only calls interleave.</summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    private const int MaxTasksPerDispatch = 64;

    [ThreadStatic]
    private static ActivationTaskScheduler? _running;

    private readonly ConcurrentQueue<Task> _tasks = new();
    private int _scheduled;

    /// <summary>True when the calling code runs inside a turn of some activation.</summary>
    public static bool IsInsideTurn => _running is not null || Current is ActivationTaskScheduler;

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        _tasks.Enqueue(task);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && _running == this && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    void IThreadPoolWorkItem.Execute()
    {
        _running = this;
        try
        {
            for (var i = 0; i < MaxTasksPerDispatch && _tasks.TryDequeue(out var task); i++)
            {
                TryExecuteTask(task);
            }
        }
        finally
        {
            _running = null;
        }

        // A full fence: with a plain release store the emptiness check below could be reordered before it, and a task
        // queued in between (whose producer saw _scheduled == 1 and did not schedule) would never run.
        Interlocked.Exchange(ref _scheduled, 0);
        if (!_tasks.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
