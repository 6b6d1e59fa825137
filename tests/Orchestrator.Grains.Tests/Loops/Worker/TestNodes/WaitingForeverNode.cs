using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Waits until cancelled — or forever, when its setting <c>ignoreCancellation</c> is true — and counts, for
/// <see cref="WaitProbeNode"/>, the waits that started and the cancellations it saw.</summary>
public sealed class WaitingForeverNode : BlockingNode
{
    private static readonly TaskCompletionSource FirstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static int _started;
    private static int _cancelled;

    /// <summary>Completes once a wait has started in this process.</summary>
    public static Task Started => FirstStarted.Task;

    public static int StartedCount => Volatile.Read(ref _started);

    public static int CancelledCount => Volatile.Read(ref _cancelled);

    public override async Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        var token = Config.Get("ignoreCancellation", false) ? CancellationToken.None : cancellationToken;
        Interlocked.Increment(ref _started);
        FirstStarted.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return null;
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled);
            throw;
        }
    }
}
